#include "mqtt/broker/default_policy.hpp"

namespace mothership::mqtt {

bool is_device_namespace(std::string_view topic) {
  return topic.rfind("devices/", 0) == 0 || topic.rfind("$provision/", 0) == 0 || topic == "devices" ||
         topic == "$provision";
}

std::optional<identity> default_policy::authenticate(std::string_view, const std::optional<std::string>& username,
                                                     const std::optional<std::string>&,
                                                     const std::optional<std::string>&) const {
  // No credential store for MQTT users or devices yet: only anonymous clients, when allowed.
  if (username || !allow_anonymous_) return std::nullopt;
  return identity{identity::kind::anonymous, ""};
}

bool default_policy::may_publish(const identity& who, std::string_view topic) const {
  if (who.what == identity::kind::internal) return true;
  return !is_device_namespace(topic);
}

bool default_policy::may_subscribe(const identity& who, std::string_view filter) const {
  if (who.what == identity::kind::internal) return true;
  return !is_device_namespace(filter);
}

bool default_policy::may_receive(const identity& who, std::string_view topic) const {
  if (who.what == identity::kind::internal) return true;
  return !is_device_namespace(topic);
}

}  // namespace mothership::mqtt
