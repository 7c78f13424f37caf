#include "mqtt/codec/property_codec.hpp"

#include <array>
#include <string>

#include "mqtt/codec/topic.hpp"

namespace mothership::mqtt::detail {

namespace {

enum class id : std::uint8_t {
  payload_format_indicator = 0x01,
  message_expiry_interval = 0x02,
  content_type = 0x03,
  response_topic = 0x08,
  correlation_data = 0x09,
  subscription_identifier = 0x0B,
  session_expiry_interval = 0x11,
  assigned_client_identifier = 0x12,
  server_keep_alive = 0x13,
  authentication_method = 0x15,
  authentication_data = 0x16,
  request_problem_information = 0x17,
  will_delay_interval = 0x18,
  request_response_information = 0x19,
  response_information = 0x1A,
  server_reference = 0x1C,
  reason_string = 0x1F,
  receive_maximum = 0x21,
  topic_alias_maximum = 0x22,
  topic_alias = 0x23,
  maximum_qos = 0x24,
  retain_available = 0x25,
  user_property = 0x26,
  maximum_packet_size = 0x27,
  wildcard_subscription_available = 0x28,
  subscription_identifier_available = 0x29,
  shared_subscription_available = 0x2A,
};

using scope_mask = std::uint16_t;
constexpr scope_mask bit(property_scope s) {
  return static_cast<scope_mask>(1u << static_cast<unsigned>(s));
}

constexpr scope_mask in_connect = bit(property_scope::connect), in_connack = bit(property_scope::connack),
                     in_publish = bit(property_scope::publish), in_will = bit(property_scope::will),
                     in_subscribe = bit(property_scope::subscribe), in_disconnect = bit(property_scope::disconnect),
                     in_auth = bit(property_scope::auth);
constexpr scope_mask in_acks = bit(property_scope::puback) | bit(property_scope::pubrec) | bit(property_scope::pubrel) |
                               bit(property_scope::pubcomp) | bit(property_scope::suback) |
                               bit(property_scope::unsuback);
constexpr scope_mask in_everywhere = 0x3FFF;

struct property_info {
  id identifier;
  const char* name;
  scope_mask scopes;
};

// The "Used in" column of the property table (MQTT 5 §2.2.2.2).
constexpr std::array<property_info, 27> table{{
    {id::payload_format_indicator, "Payload Format Indicator", in_publish | in_will},
    {id::message_expiry_interval, "Message Expiry Interval", in_publish | in_will},
    {id::content_type, "Content Type", in_publish | in_will},
    {id::response_topic, "Response Topic", in_publish | in_will},
    {id::correlation_data, "Correlation Data", in_publish | in_will},
    {id::subscription_identifier, "Subscription Identifier", in_publish | in_subscribe},
    {id::session_expiry_interval, "Session Expiry Interval", in_connect | in_connack | in_disconnect},
    {id::assigned_client_identifier, "Assigned Client Identifier", in_connack},
    {id::server_keep_alive, "Server Keep Alive", in_connack},
    {id::authentication_method, "Authentication Method", in_connect | in_connack | in_auth},
    {id::authentication_data, "Authentication Data", in_connect | in_connack | in_auth},
    {id::request_problem_information, "Request Problem Information", in_connect},
    {id::will_delay_interval, "Will Delay Interval", in_will},
    {id::request_response_information, "Request Response Information", in_connect},
    {id::response_information, "Response Information", in_connack},
    {id::server_reference, "Server Reference", in_connack | in_disconnect},
    {id::reason_string, "Reason String", in_connack | in_acks | in_disconnect | in_auth},
    {id::receive_maximum, "Receive Maximum", in_connect | in_connack},
    {id::topic_alias_maximum, "Topic Alias Maximum", in_connect | in_connack},
    {id::topic_alias, "Topic Alias", in_publish},
    {id::maximum_qos, "Maximum QoS", in_connack},
    {id::retain_available, "Retain Available", in_connack},
    {id::user_property, "User Property", in_everywhere},
    {id::maximum_packet_size, "Maximum Packet Size", in_connect | in_connack},
    {id::wildcard_subscription_available, "Wildcard Subscription Available", in_connack},
    {id::subscription_identifier_available, "Subscription Identifier Available", in_connack},
    {id::shared_subscription_available, "Shared Subscription Available", in_connack},
}};

const property_info* find(std::uint32_t identifier) {
  for (const auto& info : table) {
    if (static_cast<std::uint32_t>(info.identifier) == identifier) return &info;
  }
  return nullptr;
}

constexpr const char* scope_name(property_scope s) {
  constexpr const char* names[] = {"CONNECT",    "CONNACK", "PUBLISH",   "Will properties", "PUBACK",      "PUBREC",
                                   "PUBREL",     "PUBCOMP", "SUBSCRIBE", "SUBACK",          "UNSUBSCRIBE", "UNSUBACK",
                                   "DISCONNECT", "AUTH"};
  return names[static_cast<unsigned>(s)];
}

class property_reader {
 public:
  property_reader(reader& r, const property_info& info, property_scope scope, properties& out)
      : r_(r), info_(info), scope_(scope), out_(out) {}

  void read() {
    switch (info_.identifier) {
      case id::payload_format_indicator:
        return once(out_.payload_format_indicator, [&] { return zero_or_one(); });
      case id::message_expiry_interval:
        return once(out_.message_expiry_interval, [&] { return r_.u32(); });
      case id::content_type:
        return once(out_.content_type, [&] { return r_.utf8_string(); });
      case id::response_topic:
        return once(out_.response_topic, [&] { return response_topic(); });
      case id::correlation_data:
        return once(out_.correlation_data, [&] { return r_.binary(); });
      case id::subscription_identifier:
        return subscription_identifier();
      case id::session_expiry_interval:
        return once(out_.session_expiry_interval, [&] { return r_.u32(); });
      case id::assigned_client_identifier:
        return once(out_.assigned_client_identifier, [&] { return r_.utf8_string(); });
      case id::server_keep_alive:
        return once(out_.server_keep_alive, [&] { return r_.u16(); });
      case id::authentication_method:
        return once(out_.authentication_method, [&] { return r_.utf8_string(); });
      case id::authentication_data:
        return once(out_.authentication_data, [&] { return r_.binary(); });
      case id::request_problem_information:
        return once(out_.request_problem_information, [&] { return zero_or_one() == 1; });
      case id::will_delay_interval:
        return once(out_.will_delay_interval, [&] { return r_.u32(); });
      case id::request_response_information:
        return once(out_.request_response_information, [&] { return zero_or_one() == 1; });
      case id::response_information:
        return once(out_.response_information, [&] { return r_.utf8_string(); });
      case id::server_reference:
        return once(out_.server_reference, [&] { return r_.utf8_string(); });
      case id::reason_string:
        return once(out_.reason_string, [&] { return r_.utf8_string(); });
      case id::receive_maximum:
        return once(out_.receive_maximum, [&] { return non_zero_u16(); });
      case id::topic_alias_maximum:
        return once(out_.topic_alias_maximum, [&] { return r_.u16(); });
      case id::topic_alias:
        return once(out_.topic_alias, [&] { return topic_alias(); });
      case id::maximum_qos:
        return once(out_.maximum_qos, [&] { return static_cast<qos>(zero_or_one()); });
      case id::retain_available:
        return once(out_.retain_available, [&] { return zero_or_one() == 1; });
      case id::user_property: {
        std::string name = r_.utf8_string();
        std::string value = r_.utf8_string();
        out_.user_properties.emplace_back(std::move(name), std::move(value));
        return;
      }
      case id::maximum_packet_size:
        return once(out_.maximum_packet_size, [&] { return non_zero_u32(); });
      case id::wildcard_subscription_available:
        return once(out_.wildcard_subscription_available, [&] { return zero_or_one() == 1; });
      case id::subscription_identifier_available:
        return once(out_.subscription_identifier_available, [&] { return zero_or_one() == 1; });
      case id::shared_subscription_available:
        return once(out_.shared_subscription_available, [&] { return zero_or_one() == 1; });
    }
  }

 private:
  // "It is a Protocol Error to include <property> more than once" is stated for every
  // single-valued property of the table.
  template <class T, class Read>
  void once(std::optional<T>& slot, Read read_value) {
    if (slot) return fail(reason_code::protocol_error, "included more than once");
    T value = read_value();
    if (!r_.failed()) slot = std::move(value);
  }

  void fail(reason_code reason, std::string_view what) {
    r_.fail(reason, std::string(info_.name) + " " + std::string(what));
  }

  std::uint8_t zero_or_one() {
    const std::uint8_t v = r_.u8();
    if (v > 1) fail(reason_code::protocol_error, "must be 0 or 1");
    return v;
  }

  std::uint16_t non_zero_u16() {
    const std::uint16_t v = r_.u16();
    if (!r_.failed() && v == 0) fail(reason_code::protocol_error, "must not be 0");
    return v;
  }

  std::uint32_t non_zero_u32() {
    const std::uint32_t v = r_.u32();
    if (!r_.failed() && v == 0) fail(reason_code::protocol_error, "must not be 0");
    return v;
  }

  std::uint16_t topic_alias() {
    const std::uint16_t v = r_.u16();
    // [MQTT-3.3.2-8] a sender must not use alias 0; 0x94 is the code for an unusable alias.
    if (!r_.failed() && v == 0) fail(reason_code::topic_alias_invalid, "must not be 0 [MQTT-3.3.2-8]");
    return v;
  }

  std::string response_topic() {
    std::string topic = r_.utf8_string();
    if (!r_.failed() && !valid_topic_name(topic)) {
      fail(reason_code::protocol_error, "is not a valid topic name [MQTT-3.3.2-14]");
    }
    return topic;
  }

  void subscription_identifier() {
    const std::uint32_t v = r_.variable_byte_integer();
    if (r_.failed()) return;
    if (v == 0) return fail(reason_code::protocol_error, "must not be 0");
    // Several are allowed in a PUBLISH (one per matching subscription), one in a SUBSCRIBE.
    if (scope_ == property_scope::subscribe && !out_.subscription_identifiers.empty()) {
      return fail(reason_code::protocol_error, "included more than once");
    }
    out_.subscription_identifiers.push_back(v);
  }

  reader& r_;
  const property_info& info_;
  property_scope scope_;
  properties& out_;
};

bool allowed(id identifier, scope_mask mask) {
  return (find(static_cast<std::uint8_t>(identifier))->scopes & mask) != 0;
}

void write_body(writer& w, const properties& p, property_scope scope) {
  const scope_mask mask = bit(scope);
  auto head = [&](id identifier) {
    if (!allowed(identifier, mask)) return false;
    w.u8(static_cast<std::uint8_t>(identifier));
    return true;
  };
  auto byte = [&](id identifier, const auto& v) {
    if (v && head(identifier)) w.u8(static_cast<std::uint8_t>(*v));
  };
  auto two = [&](id identifier, const std::optional<std::uint16_t>& v) {
    if (v && head(identifier)) w.u16(*v);
  };
  auto four = [&](id identifier, const std::optional<std::uint32_t>& v) {
    if (v && head(identifier)) w.u32(*v);
  };
  auto text = [&](id identifier, const std::optional<std::string>& v) {
    if (v && head(identifier)) w.string(*v);
  };

  byte(id::payload_format_indicator, p.payload_format_indicator);
  four(id::message_expiry_interval, p.message_expiry_interval);
  text(id::content_type, p.content_type);
  text(id::response_topic, p.response_topic);
  text(id::correlation_data, p.correlation_data);
  for (std::uint32_t v : p.subscription_identifiers) {
    if (head(id::subscription_identifier)) w.variable_byte_integer(v);
  }
  four(id::session_expiry_interval, p.session_expiry_interval);
  text(id::assigned_client_identifier, p.assigned_client_identifier);
  two(id::server_keep_alive, p.server_keep_alive);
  text(id::authentication_method, p.authentication_method);
  text(id::authentication_data, p.authentication_data);
  byte(id::request_problem_information, p.request_problem_information);
  four(id::will_delay_interval, p.will_delay_interval);
  byte(id::request_response_information, p.request_response_information);
  text(id::response_information, p.response_information);
  text(id::server_reference, p.server_reference);
  text(id::reason_string, p.reason_string);
  two(id::receive_maximum, p.receive_maximum);
  two(id::topic_alias_maximum, p.topic_alias_maximum);
  two(id::topic_alias, p.topic_alias);
  byte(id::maximum_qos, p.maximum_qos);
  byte(id::retain_available, p.retain_available);
  for (const auto& [name, value] : p.user_properties) {
    if (head(id::user_property)) {
      w.string(name);
      w.string(value);
    }
  }
  four(id::maximum_packet_size, p.maximum_packet_size);
  byte(id::wildcard_subscription_available, p.wildcard_subscription_available);
  byte(id::subscription_identifier_available, p.subscription_identifier_available);
  byte(id::shared_subscription_available, p.shared_subscription_available);
}

std::size_t body_size(const properties& p, property_scope scope) {
  writer counter;
  write_body(counter, p, scope);
  return counter.size();
}

}  // namespace

void read_properties(reader& r, property_scope scope, properties& out) {
  const std::uint32_t length = r.variable_byte_integer();
  reader list = r.take(length);
  while (!list.at_end()) {
    const std::uint32_t identifier = list.variable_byte_integer();
    if (list.failed()) break;
    const property_info* info = find(identifier);
    if (info == nullptr) {
      list.fail(reason_code::malformed_packet, "unknown property identifier " + std::to_string(identifier));
      break;
    }
    // §2.2.2.2: an identifier not valid for the packet type makes the packet malformed.
    if ((info->scopes & bit(scope)) == 0) {
      list.fail(reason_code::malformed_packet, std::string(info->name) + " is not allowed in " + scope_name(scope));
      break;
    }
    property_reader(list, *info, scope, out).read();
  }
  r.merge(list);
}

void write_properties(writer& w, const properties& p, property_scope scope) {
  w.variable_byte_integer(static_cast<std::uint32_t>(body_size(p, scope)));
  write_body(w, p, scope);
}

std::size_t properties_size(const properties& p, property_scope scope) {
  const std::size_t n = body_size(p, scope);
  return variable_byte_integer_size(static_cast<std::uint32_t>(n)) + n;
}

bool properties_empty(const properties& p, property_scope scope) {
  return body_size(p, scope) == 0;
}

}  // namespace mothership::mqtt::detail
