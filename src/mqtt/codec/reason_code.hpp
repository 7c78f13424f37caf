#pragma once
// MQTT 5 reason codes (§2.4) and their MQTT 3.1.1 counterparts (CONNACK return codes, SUBACK 0x80).
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

#include <boost/system/error_code.hpp>

namespace mothership::mqtt {

// One enumerator per code of the MQTT 5 table. Several codes share 0x00/0x01/0x02 and are spelled
// per packet in the spec (Success, Normal disconnection, Granted QoS 0); they are aliases here.
enum class reason_code : std::uint8_t {
  success = 0x00,
  normal_disconnection = 0x00,
  granted_qos_0 = 0x00,
  granted_qos_1 = 0x01,
  granted_qos_2 = 0x02,
  disconnect_with_will_message = 0x04,
  no_matching_subscribers = 0x10,
  no_subscription_existed = 0x11,
  continue_authentication = 0x18,
  re_authenticate = 0x19,
  unspecified_error = 0x80,
  malformed_packet = 0x81,
  protocol_error = 0x82,
  implementation_specific_error = 0x83,
  unsupported_protocol_version = 0x84,
  client_identifier_not_valid = 0x85,
  bad_user_name_or_password = 0x86,
  not_authorized = 0x87,
  server_unavailable = 0x88,
  server_busy = 0x89,
  banned = 0x8A,
  server_shutting_down = 0x8B,
  bad_authentication_method = 0x8C,
  keep_alive_timeout = 0x8D,
  session_taken_over = 0x8E,
  topic_filter_invalid = 0x8F,
  topic_name_invalid = 0x90,
  packet_identifier_in_use = 0x91,
  packet_identifier_not_found = 0x92,
  receive_maximum_exceeded = 0x93,
  topic_alias_invalid = 0x94,
  packet_too_large = 0x95,
  message_rate_too_high = 0x96,
  quota_exceeded = 0x97,
  administrative_action = 0x98,
  payload_format_invalid = 0x99,
  retain_not_supported = 0x9A,
  qos_not_supported = 0x9B,
  use_another_server = 0x9C,
  server_moved = 0x9D,
  shared_subscriptions_not_supported = 0x9E,
  connection_rate_exceeded = 0x9F,
  maximum_connect_time = 0xA0,
  subscription_identifiers_not_supported = 0xA1,
  wildcard_subscriptions_not_supported = 0xA2,
};

// Codes of 0x80 and above report a failure (§2.4).
constexpr bool is_failure(reason_code rc) {
  return static_cast<std::uint8_t>(rc) >= 0x80;
}

// The spec's name of a code ("Malformed Packet"); "unknown reason code" for values outside the table.
std::string_view to_string(reason_code rc);

// True if `value` is one of the codes of the MQTT 5 table.
bool is_known_reason_code(std::uint8_t value);

// MQTT 3.1.1 CONNACK return codes (§3.2.2.3): 0 accepted, 1 unacceptable protocol version,
// 2 identifier rejected, 3 server unavailable, 4 bad user name or password, 5 not authorized.
// A v5 code without a 3.1.1 equivalent maps to 3 (server unavailable), the only generic refusal.
std::uint8_t to_v311_connack_code(reason_code rc);
// nullopt for the reserved values 6..255.
std::optional<reason_code> from_v311_connack_code(std::uint8_t code);

// Error-code view of reason codes, so the broker can log and propagate them as error_codes.
const boost::system::error_category& reason_category();
inline boost::system::error_code make_error_code(reason_code rc) {
  return {static_cast<int>(rc), reason_category()};
}

}  // namespace mothership::mqtt

template <>
struct boost::system::is_error_code_enum<mothership::mqtt::reason_code> : std::true_type {};
