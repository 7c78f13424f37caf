#include "mqtt/broker/fleet_policy.hpp"

namespace mothership::mqtt {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool is_namespace(std::string_view topic, std::string_view root) {
  return topic == root || (starts_with(topic, root) && topic.size() > root.size() && topic[root.size()] == '/');
}

bool is_sys(std::string_view topic) {
  return is_namespace(topic, "$SYS");
}

// The server's alerts ($alerts/<rule id>/<device id>): only the server says them.
bool is_alerts(std::string_view topic) {
  return is_namespace(topic, "$alerts");
}

// "root/name/..." with at least one level below name: a device's own subtree.
bool is_inside(std::string_view topic, std::string_view root, std::string_view name) {
  if (name.empty() || name.find_first_of("/+#") != std::string_view::npos || !starts_with(topic, root)) return false;
  topic.remove_prefix(root.size());
  if (!starts_with(topic, "/") || !starts_with(topic.substr(1), name)) return false;
  topic.remove_prefix(1 + name.size());
  return topic.size() > 1 && topic[0] == '/';
}

// devices/<id>/telemetry|state and below: what a portal user may watch live.
bool is_device_readout(std::string_view topic) {
  if (!starts_with(topic, "devices/")) return false;
  topic.remove_prefix(8);
  auto slash = topic.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  topic.remove_prefix(slash + 1);
  return is_namespace(topic, "telemetry") || is_namespace(topic, "state");
}

}  // namespace

bool is_device_namespace(std::string_view topic) {
  return is_namespace(topic, "devices") || is_namespace(topic, "$provision");
}

namespace {

bool is_factory_certificate(const credentials& presented) {
  return presented.certificate_presented && !presented.certificate_identity && !presented.certificate_sha256.empty();
}

// A provisioning identity is bound to its serial: the client id must be the serial too.
authentication bound_to_client_id(authentication verdict, const credentials& presented) {
  if (verdict.who && verdict.who->what == identity::kind::provisioning && verdict.who->name != presented.client_id)
    return {std::nullopt, reason_code::client_identifier_not_valid};
  return verdict;
}

}  // namespace

bool fleet_policy::blocks(const credentials& presented) const {
  if (presented.certificate_presented) return is_factory_certificate(presented) && options_.verify_factory_certificate;
  if (presented.username && presented.password) return options_.verify_claim || options_.is_registered_serial;
  return options_.allow_anonymous && options_.is_registered_serial && !presented.client_id.empty();
}

bool fleet_policy::may_hold_client_id(const identity& who, std::string_view client_id) const {
  if (client_id.starts_with(device_id_prefix)) return false;
  if (client_id.starts_with(user_id_prefix))
    return who.what == identity::kind::user && !who.name.empty() && client_id.starts_with(who.name);
  if (client_id.empty()) return true;  // the broker assigns one
  return !(options_.is_registered_serial && options_.is_registered_serial(client_id));
}

authentication fleet_policy::authenticate(const credentials& presented) const {
  if (presented.certificate_presented) {
    if (is_factory_certificate(presented) && options_.verify_factory_certificate)
      return bound_to_client_id(options_.verify_factory_certificate(presented), presented);
    if (!presented.certificate_identity) return {std::nullopt, reason_code::not_authorized};
    if (options_.is_revoked && options_.is_revoked(presented.certificate_serial))
      return {std::nullopt, reason_code::not_authorized};
    if (presented.client_id != *presented.certificate_identity)
      return {std::nullopt, reason_code::client_identifier_not_valid};
    return {identity{identity::kind::device, *presented.certificate_identity}};
  }
  if (presented.username) {
    if (!presented.password) return {};
    if (options_.verify_user)
      if (auto who = options_.verify_user(presented)) {
        if (!may_hold_client_id(*who, presented.client_id))
          return {std::nullopt, reason_code::client_identifier_not_valid};
        return {std::move(who)};
      }
    if (options_.verify_claim) return bound_to_client_id(options_.verify_claim(presented), presented);
    return {};
  }
  if (presented.password) return {};  // a password without a username [MQTT-3.1.2-22 in 3.1.1]
  if (!options_.allow_anonymous) return {std::nullopt, reason_code::not_authorized};
  identity anonymous{identity::kind::anonymous, ""};
  if (!may_hold_client_id(anonymous, presented.client_id))
    return {std::nullopt, reason_code::client_identifier_not_valid};
  return {std::move(anonymous)};
}

bool fleet_policy::may_publish(const identity& who, std::string_view topic) const {
  switch (who.what) {
    case identity::kind::internal:
      return true;
    case identity::kind::device:
      return is_inside(topic, "devices", who.name);
    case identity::kind::provisioning:
      // Only the hello: the server alone answers on the serial's other topics.
      return is_inside(topic, "$provision", who.name) && topic == "$provision/" + who.name + "/hello";
    case identity::kind::user:
    case identity::kind::anonymous:
      return !is_device_namespace(topic) && !is_sys(topic) && !is_alerts(topic);
  }
  return false;
}

bool fleet_policy::may_subscribe(const identity& who, std::string_view filter) const {
  switch (who.what) {
    case identity::kind::internal:
      return true;
    case identity::kind::device:
      return is_inside(filter, "devices", who.name);
    case identity::kind::provisioning:
      return is_inside(filter, "$provision", who.name);
    case identity::kind::user:
      return !is_namespace(filter, "$provision");  // devices/... deliveries are filtered by may_receive
    case identity::kind::anonymous:
      return !is_device_namespace(filter);  // a filter such as "#" is filtered by may_receive
  }
  return false;
}

bool fleet_policy::may_receive(const identity& who, std::string_view topic) const {
  switch (who.what) {
    case identity::kind::internal:
    case identity::kind::device:
    case identity::kind::provisioning:
      return true;  // their filters cannot reach outside their own subtree
    case identity::kind::user:
      return !is_device_namespace(topic) || is_device_readout(topic);
    case identity::kind::anonymous:
      return !is_device_namespace(topic) && !is_alerts(topic);
  }
  return false;
}

}  // namespace mothership::mqtt
