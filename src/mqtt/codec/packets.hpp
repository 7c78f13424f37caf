#pragma once
// MQTT 3.1.1 and 5.0 control packets as plain values. One set of structs serves both versions:
// fields that exist only in MQTT 5 (properties, most reason codes) are ignored when encoding for
// 3.1.1 and left at their defaults when decoding 3.1.1.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "mqtt/codec/reason_code.hpp"

namespace mothership::mqtt {

// The CONNECT protocol level byte.
enum class protocol_version : std::uint8_t { v311 = 4, v5 = 5 };

enum class qos : std::uint8_t { at_most_once = 0, at_least_once = 1, exactly_once = 2 };

enum class packet_type : std::uint8_t {
  connect = 1,
  connack = 2,
  publish = 3,
  puback = 4,
  pubrec = 5,
  pubrel = 6,
  pubcomp = 7,
  subscribe = 8,
  suback = 9,
  unsubscribe = 10,
  unsuback = 11,
  pingreq = 12,
  pingresp = 13,
  disconnect = 14,
  auth = 15,  // MQTT 5 only
};

// MQTT 5 properties (§2.2.2.2). Every packet that has properties carries this struct; the codec
// only reads and writes the members the spec allows in that packet (others are a malformed packet
// when received and are left out when sending).
struct properties {
  std::optional<std::uint8_t> payload_format_indicator;  // 0 unspecified bytes, 1 UTF-8
  std::optional<std::uint32_t> message_expiry_interval;
  std::optional<std::string> content_type;
  std::optional<std::string> response_topic;
  std::optional<std::string> correlation_data;          // binary
  std::vector<std::uint32_t> subscription_identifiers;  // PUBLISH may carry several, SUBSCRIBE one
  std::optional<std::uint32_t> session_expiry_interval;
  std::optional<std::string> assigned_client_identifier;
  std::optional<std::uint16_t> server_keep_alive;
  std::optional<std::string> authentication_method;
  std::optional<std::string> authentication_data;  // binary
  std::optional<bool> request_problem_information;
  std::optional<std::uint32_t> will_delay_interval;
  std::optional<bool> request_response_information;
  std::optional<std::string> response_information;
  std::optional<std::string> server_reference;
  std::optional<std::string> reason_string;
  std::optional<std::uint16_t> receive_maximum;
  std::optional<std::uint16_t> topic_alias_maximum;
  std::optional<std::uint16_t> topic_alias;
  std::optional<qos> maximum_qos;  // at_most_once or at_least_once only
  std::optional<bool> retain_available;
  std::vector<std::pair<std::string, std::string>> user_properties;  // order and duplicates kept
  std::optional<std::uint32_t> maximum_packet_size;
  std::optional<bool> wildcard_subscription_available;
  std::optional<bool> subscription_identifier_available;
  std::optional<bool> shared_subscription_available;

  bool operator==(const properties&) const = default;
};

struct will_message {
  std::string topic;
  std::string payload;  // binary
  mqtt::qos qos = qos::at_most_once;
  bool retain = false;
  mqtt::properties properties;  // will properties (MQTT 5)

  bool operator==(const will_message&) const = default;
};

struct connect {
  protocol_version version = protocol_version::v5;  // set by the decoder; encode() takes its own
  bool clean_start = true;                          // "clean session" in 3.1.1
  std::uint16_t keep_alive = 0;                     // seconds
  std::string client_id;
  std::optional<will_message> will;
  std::optional<std::string> username;
  std::optional<std::string> password;  // binary
  mqtt::properties properties;

  bool operator==(const connect&) const = default;
};

struct connack {
  bool session_present = false;
  reason_code reason = reason_code::success;  // 3.1.1: mapped to and from return codes 0-5
  mqtt::properties properties;

  bool operator==(const connack&) const = default;
};

struct publish {
  bool dup = false;
  mqtt::qos qos = qos::at_most_once;
  bool retain = false;
  std::string topic;                       // may be empty in MQTT 5 when properties.topic_alias is set
  std::optional<std::uint16_t> packet_id;  // present exactly when qos > 0
  mqtt::properties properties;
  std::string payload;  // binary

  bool operator==(const publish&) const = default;
};

// PUBACK, PUBREC, PUBREL and PUBCOMP share one layout; distinct types keep the variant unambiguous.
struct puback {
  std::uint16_t packet_id = 0;
  reason_code reason = reason_code::success;
  mqtt::properties properties;
  bool operator==(const puback&) const = default;
};
struct pubrec {
  std::uint16_t packet_id = 0;
  reason_code reason = reason_code::success;
  mqtt::properties properties;
  bool operator==(const pubrec&) const = default;
};
struct pubrel {
  std::uint16_t packet_id = 0;
  reason_code reason = reason_code::success;
  mqtt::properties properties;
  bool operator==(const pubrel&) const = default;
};
struct pubcomp {
  std::uint16_t packet_id = 0;
  reason_code reason = reason_code::success;
  mqtt::properties properties;
  bool operator==(const pubcomp&) const = default;
};

// MQTT 5 §3.8.3.1: when retained messages are sent on subscribing.
enum class retain_handling : std::uint8_t { send_on_subscribe = 0, send_if_new_subscription = 1, do_not_send = 2 };

struct subscribe_entry {
  std::string filter;
  qos max_qos = qos::at_most_once;
  bool no_local = false;                                                       // MQTT 5
  bool retain_as_published = false;                                            // MQTT 5
  mqtt::retain_handling retain_handling = retain_handling::send_on_subscribe;  // MQTT 5

  bool operator==(const subscribe_entry&) const = default;
};

struct subscribe {
  std::uint16_t packet_id = 0;
  mqtt::properties properties;
  std::vector<subscribe_entry> entries;  // at least one

  bool operator==(const subscribe&) const = default;
};

struct suback {
  std::uint16_t packet_id = 0;
  mqtt::properties properties;
  std::vector<reason_code> reasons;  // one per filter; 3.1.1 sends failures as 0x80

  bool operator==(const suback&) const = default;
};

struct unsubscribe {
  std::uint16_t packet_id = 0;
  mqtt::properties properties;
  std::vector<std::string> filters;  // at least one

  bool operator==(const unsubscribe&) const = default;
};

struct unsuback {
  std::uint16_t packet_id = 0;
  mqtt::properties properties;
  std::vector<reason_code> reasons;  // MQTT 5 only; 3.1.1 UNSUBACK has no payload

  bool operator==(const unsuback&) const = default;
};

struct pingreq {
  bool operator==(const pingreq&) const = default;
};
struct pingresp {
  bool operator==(const pingresp&) const = default;
};

struct disconnect {
  reason_code reason = reason_code::normal_disconnection;
  mqtt::properties properties;

  bool operator==(const disconnect&) const = default;
};

// MQTT 5 enhanced authentication. Note: inside namespace mothership::mqtt this name hides the
// namespace mothership::auth; qualify that one as mothership::auth.
struct auth {
  reason_code reason = reason_code::success;
  mqtt::properties properties;

  bool operator==(const auth&) const = default;
};

using packet = std::variant<connect, connack, publish, puback, pubrec, pubrel, pubcomp, subscribe, suback, unsubscribe,
                            unsuback, pingreq, pingresp, disconnect, auth>;

packet_type type_of(const packet& p);

// True if MQTT 5 lets `rc` appear in a packet of type `t` (the per-packet reason code tables of
// chapter 3). Packets without reason codes allow none.
bool reason_allowed(packet_type t, reason_code rc);

}  // namespace mothership::mqtt
