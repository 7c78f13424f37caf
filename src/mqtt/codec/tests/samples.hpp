#pragma once
// Sample packets exercising every field; used by the round-trip tests and the seed corpus tool.
#include <vector>

#include "mqtt/codec/packets.hpp"

namespace mothership::mqtt::test {

// Packets holding only what 3.1.1 can carry, so they decode back equal after a 3.1.1 round trip.
inline std::vector<packet> v311_samples() {
  connect minimal;
  minimal.version = protocol_version::v311;
  minimal.client_id = "device-1";
  minimal.keep_alive = 30;

  connect full = minimal;
  full.clean_start = false;
  full.will = will_message{"devices/device-1/status", "offline", qos::exactly_once, true, {}};
  full.username = "device-1";
  full.password = std::string("\x00\x01secret", 8);

  publish qos0;
  qos0.topic = "devices/device-1/telemetry";
  qos0.payload = R"({"t":21.5})";
  publish qos2 = qos0;
  qos2.qos = qos::exactly_once;
  qos2.packet_id = 65535;
  qos2.dup = true;
  qos2.retain = true;
  qos2.payload = std::string("\x00\xff", 2);

  return {
      minimal,
      full,
      connack{false, reason_code::success, {}},
      connack{true, reason_code::success, {}},
      connack{false, reason_code::not_authorized, {}},
      connack{false, reason_code::unsupported_protocol_version, {}},
      qos0,
      qos2,
      puback{1, reason_code::success, {}},
      pubrec{2, reason_code::success, {}},
      pubrel{3, reason_code::success, {}},
      pubcomp{4, reason_code::success, {}},
      subscribe{5, {}, {subscribe_entry{"devices/+/telemetry", qos::at_least_once}, subscribe_entry{"$SYS/#"}}},
      suback{5, {}, {reason_code::granted_qos_1, reason_code::unspecified_error, reason_code::granted_qos_2}},
      unsubscribe{6, {}, {"devices/+/telemetry", "#"}},
      unsuback{6, {}, {}},
      pingreq{},
      pingresp{},
      disconnect{},
  };
}

// Packets using MQTT 5 fields: properties everywhere they are allowed, reason codes, AUTH.
inline std::vector<packet> v5_samples() {
  properties user;
  user.user_properties = {{"trace", "abc"}, {"trace", "def"}};
  properties reason = user;
  reason.reason_string = "because";

  connect c;
  c.client_id = "sim-0001";
  c.clean_start = false;
  c.keep_alive = 60;
  c.properties = user;
  c.properties.session_expiry_interval = 86400;
  c.properties.receive_maximum = 32;
  c.properties.maximum_packet_size = 1 << 20;
  c.properties.topic_alias_maximum = 16;
  c.properties.request_response_information = true;
  c.properties.request_problem_information = false;
  c.properties.authentication_method = "SCRAM-SHA-256";
  c.properties.authentication_data = "client-first";
  c.will = will_message{"devices/sim-0001/status", "gone", qos::at_least_once, false, {}};
  c.will->properties.will_delay_interval = 30;
  c.will->properties.payload_format_indicator = 1;
  c.will->properties.content_type = "text/plain";
  c.username = "sim";

  connect anonymous;
  anonymous.password = "token-only";  // 5.0 allows a password without a user name

  connack ca;
  ca.properties = reason;
  ca.properties.assigned_client_identifier = "auto-7";
  ca.properties.server_keep_alive = 120;
  ca.properties.maximum_qos = qos::at_least_once;
  ca.properties.retain_available = true;
  ca.properties.wildcard_subscription_available = true;
  ca.properties.subscription_identifier_available = true;
  ca.properties.shared_subscription_available = false;
  ca.properties.response_information = "responses/auto-7";
  ca.properties.topic_alias_maximum = 8;

  publish aliased;
  aliased.qos = qos::at_least_once;
  aliased.packet_id = 17;
  aliased.properties.topic_alias = 4;
  aliased.payload = "42";

  publish rich;
  rich.topic = "jobs/req";
  rich.retain = true;
  rich.properties = user;
  rich.properties.message_expiry_interval = 10;
  rich.properties.response_topic = "jobs/resp/sim-0001";
  rich.properties.correlation_data = std::string("\x00\x01\x02", 3);
  rich.properties.subscription_identifiers = {1, 128, 16384};
  rich.properties.content_type = "application/json";
  rich.payload = "{}";

  subscribe s{9, user, {}};
  s.properties.subscription_identifiers = {268'435'455};
  s.entries = {subscribe_entry{"a/+", qos::exactly_once, true, true, retain_handling::do_not_send},
               subscribe_entry{"$share/workers/jobs/#", qos::at_least_once, false, false,
                               retain_handling::send_if_new_subscription}};

  properties auth_props = reason;
  auth_props.authentication_method = "SCRAM-SHA-256";
  auth_props.authentication_data = "server-first";

  properties disconnect_props = reason;
  disconnect_props.session_expiry_interval = 0;
  disconnect_props.server_reference = "node-b:8883";

  return {
      c,
      anonymous,
      ca,
      connack{false, reason_code::bad_user_name_or_password, {}},
      aliased,
      rich,
      puback{17, reason_code::success, {}},
      puback{18, reason_code::no_matching_subscribers, {}},
      puback{19, reason_code::quota_exceeded, reason},
      pubrec{20, reason_code::payload_format_invalid, {}},
      pubrel{21, reason_code::packet_identifier_not_found, reason},
      pubcomp{22, reason_code::success, user},
      s,
      suback{9, reason, {reason_code::granted_qos_2, reason_code::shared_subscriptions_not_supported}},
      unsubscribe{10, user, {"a/+", "$share/workers/jobs/#"}},
      unsuback{10, reason, {reason_code::success, reason_code::no_subscription_existed}},
      pingreq{},
      pingresp{},
      disconnect{},
      disconnect{reason_code::server_moved, disconnect_props},
      disconnect{reason_code::disconnect_with_will_message, {}},
      auth{},
      auth{reason_code::continue_authentication, auth_props},
      auth{reason_code::re_authenticate, auth_props},
  };
}

struct invalid_sample {
  const char* name;
  const char* hex;  // the whole packet
  bool v5_only;     // valid bytes for 3.1.1, where the MQTT 5 fields are payload
};

// Packets a decoder must refuse (from parse_frame with a 1 MB limit, or from decode_packet),
// named by the rule they break.
inline std::vector<invalid_sample> invalid_samples() {
  return {
      {"connect_reserved_flag", "10 0f 00 04 4d 51 54 54 04 03 00 3c 00 03 61 62 63", false},
      {"connect_will_qos_without_will", "10 0f 00 04 4d 51 54 54 04 0a 00 3c 00 03 61 62 63", false},
      {"connect_level_6", "10 0f 00 04 4d 51 54 54 06 02 00 3c 00 03 61 62 63", false},
      {"connect_truncated", "10 0f 00 04 4d 51 54 54 04 02 00 3c 00 05 61 62 63", false},
      {"connect_v311_password_without_username", "10 13 00 04 4d 51 54 54 04 42 00 3c 00 03 61 62 63 00 02 70 77",
       false},
      {"publish_qos3", "36 06 00 01 74 00 01 78", false},
      {"publish_dup_qos0", "38 04 00 01 74 78", false},
      {"publish_wildcard_topic", "30 04 00 02 61 23", false},
      {"publish_surrogate_topic", "30 05 00 03 ed a0 80", false},
      {"publish_packet_id_zero", "32 05 00 01 74 00 00", false},
      {"publish_v5_property_length_overflow", "30 06 00 01 74 09 01 01", true},
      {"publish_v5_duplicate_topic_alias", "30 0a 00 01 74 06 23 00 01 23 00 01", true},
      {"subscribe_flags_zero", "80 06 00 01 00 01 61 00", false},
      {"subscribe_empty", "82 02 00 01", false},
      {"subscribe_bad_filter", "82 08 00 01 00 03 61 23 62 00", false},
      {"subscribe_v5_retain_handling_3", "82 07 00 01 00 00 01 61 30", false},
      {"remaining_length_non_minimal", "c0 80 00", false},
      {"remaining_length_five_bytes", "30 80 80 80 80 01", false},
      {"remaining_length_256mb", "30 ff ff ff 7f", false},
      {"reserved_type_0", "00 00", false},
      {"pingreq_with_body", "c0 01 00", false},
  };
}

}  // namespace mothership::mqtt::test
