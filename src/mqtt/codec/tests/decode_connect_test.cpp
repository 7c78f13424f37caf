// CONNECT and CONNACK decoding. Rule numbers: 5.0 first, then 3.1.1 where they differ.
#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace mothership::mqtt;
using namespace mothership::mqtt::test;

namespace {

// Variable header up to the payload, with an empty property list for 5.0.
body connect_header(protocol_version v, std::uint8_t flags) {
  body b;
  b.str("MQTT").u8(static_cast<std::uint8_t>(v)).u8(flags).u16(60);
  if (v == v5) b.no_props();
  return b;
}

decode_result<connect> decode_connect_bytes(const bytes& whole) {
  const auto framed = parse_frame(whole, 1u << 20);
  const frame& f = std::get<frame>(framed);
  return decode_connect(f.body(whole));
}

}  // namespace

TEST(decode_connect, v311_minimal_connect) {
  // "MQTT" level 4, Clean Session, Keep Alive 60, ClientId "abc".
  const auto r = decode_whole(hex("10 0f 00 04 4d 51 54 54 04 02 00 3c 00 03 61 62 63"), v311);
  const auto& c = get<connect>(r);
  EXPECT_EQ(c.version, v311);
  EXPECT_TRUE(c.clean_start);
  EXPECT_EQ(c.keep_alive, 60);
  EXPECT_EQ(c.client_id, "abc");
  EXPECT_FALSE(c.will);
  EXPECT_FALSE(c.username);
  EXPECT_FALSE(c.password);
}

TEST(decode_connect, v5_connect_with_properties_will_and_credentials) {
  const bytes packet =
      hex("10 2d  00 04 4d 51 54 54  05  ce  00 0a"
          "  05 11 00 00 00 0a"                              // Session Expiry Interval 10
          "  00 04 64 65 76 31"                              // ClientId "dev1"
          "  07 18 00 00 00 05 01 01"                        // Will Delay Interval 5, Payload Format Indicator 1
          "  00 01 77  00 03 62 79 65"                       // Will Topic "w", Will Payload "bye"
          "  00 01 75  00 02 70 00");                        // User Name "u", Password "p\0"
  const auto& c = get<connect>(decode_whole(packet, v311));  // the CONNECT's own level wins
  EXPECT_EQ(c.version, v5);
  EXPECT_TRUE(c.clean_start);
  EXPECT_EQ(c.keep_alive, 10);
  EXPECT_EQ(c.properties.session_expiry_interval, 10u);
  EXPECT_EQ(c.client_id, "dev1");
  ASSERT_TRUE(c.will);
  EXPECT_EQ(c.will->topic, "w");
  EXPECT_EQ(c.will->payload, "bye");
  EXPECT_EQ(c.will->qos, qos::at_least_once);
  EXPECT_FALSE(c.will->retain);
  EXPECT_EQ(c.will->properties.will_delay_interval, 5u);
  EXPECT_EQ(c.will->properties.payload_format_indicator, 1);
  EXPECT_EQ(c.username, "u");
  EXPECT_EQ(c.password, std::string("p\0", 2));
}

TEST(decode_connect, version_from_name_and_level) {
  EXPECT_EQ(get<connect>(decode_whole(connect_header(v311, 0x02).str("a").packet(0x10), v5)).version, v311);
  EXPECT_EQ(get<connect>(decode_whole(connect_header(v5, 0x02).str("a").packet(0x10), v311)).version, v5);
}

// 3.1.1 [MQTT-3.1.2-2]: an unsupported level is answered with return code 1 / reason 0x84.
TEST(decode_connect, unknown_level_is_unsupported_protocol_version_MQTT_3_1_2_2) {
  const auto r = decode_whole(body().str("MQTT").u8(6).u8(0x02).u16(60).str("a").packet(0x10), v5);
  EXPECT_EQ(failure(r), reason_code::unsupported_protocol_version);
}

TEST(decode_connect, mqtt_3_1_is_refused_as_unsupported) {
  const auto r = decode_whole(body().str("MQIsdp").u8(3).u8(0x02).u16(60).str("a").packet(0x10), v5);
  EXPECT_EQ(failure(r), reason_code::unsupported_protocol_version);
}

TEST(decode_connect, other_protocol_name_is_unsupported) {
  const auto r = decode_whole(body().str("MQTX").u8(4).u8(0x02).u16(60).str("a").packet(0x10), v5);
  EXPECT_EQ(failure(r), reason_code::unsupported_protocol_version);
}

TEST(decode_connect, version_still_known_when_the_rest_is_bad) {
  const bytes whole = connect_header(v5, 0x03).str("a").packet(0x10);  // reserved flag set
  const auto body = std::get<frame>(parse_frame(whole, 1024)).body(whole);
  EXPECT_FALSE(decode_connect(body));
  EXPECT_EQ(connect_protocol_version(body), v5);
  EXPECT_EQ(connect_protocol_version(hex("00 04 4d 51 54 54 04")), v311);
  EXPECT_EQ(connect_protocol_version(hex("00 06 4d 51 49 73 64 70 03")), std::nullopt);
  EXPECT_EQ(connect_protocol_version(hex("00 04 4d 51")), std::nullopt);
}

TEST(decode_connect, decode_connect_takes_the_body) {
  const auto r = decode_connect_bytes(connect_header(v5, 0x02).str("a").packet(0x10));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->client_id, "a");
}

TEST(decode_connect, reserved_flag_set_is_malformed_MQTT_3_1_2_3) {
  for (auto v : {v311, v5}) {
    EXPECT_EQ(failure(decode_whole(connect_header(v, 0x03).str("a").packet(0x10), v)), reason_code::malformed_packet);
  }
}

TEST(decode_connect, fixed_header_flags_must_be_zero_MQTT_2_1_3_1) {
  EXPECT_EQ(failure(decode_whole(connect_header(v5, 0x02).str("a").packet(0x11), v5)), reason_code::malformed_packet);
}

// 5.0 [MQTT-3.1.2-11], 3.1.1 [MQTT-3.1.2-13]: no Will Flag, so Will QoS 0.
TEST(decode_connect, will_qos_without_will_flag_is_malformed_MQTT_3_1_2_11_and_13) {
  for (auto v : {v311, v5}) {
    EXPECT_EQ(failure(decode_whole(connect_header(v, 0x02 | 0x08).str("a").packet(0x10), v)),
              reason_code::malformed_packet);
  }
}

// 5.0 [MQTT-3.1.2-13], 3.1.1 [MQTT-3.1.2-15]: no Will Flag, so Will Retain 0.
TEST(decode_connect, will_retain_without_will_flag_is_malformed_MQTT_3_1_2_13_and_15) {
  for (auto v : {v311, v5}) {
    EXPECT_EQ(failure(decode_whole(connect_header(v, 0x02 | 0x20).str("a").packet(0x10), v)),
              reason_code::malformed_packet);
  }
}

// 5.0 [MQTT-3.1.2-12], 3.1.1 [MQTT-3.1.2-14].
TEST(decode_connect, will_qos_3_is_malformed_MQTT_3_1_2_12_and_14) {
  EXPECT_EQ(
      failure(decode_whole(connect_header(v311, 0x02 | 0x04 | 0x18).str("a").str("t").str("m").packet(0x10), v311)),
      reason_code::malformed_packet);
}

TEST(decode_connect, will_is_decoded_with_qos_and_retain) {
  const auto& c = get<connect>(
      decode_whole(connect_header(v311, 0x02 | 0x04 | 0x10 | 0x20).str("a").str("t/1").str("gone").packet(0x10), v311));
  ASSERT_TRUE(c.will);
  EXPECT_EQ(c.will->qos, qos::exactly_once);
  EXPECT_TRUE(c.will->retain);
  EXPECT_EQ(c.will->topic, "t/1");
  EXPECT_EQ(c.will->payload, "gone");
}

TEST(decode_connect, will_topic_with_wildcard_is_topic_name_invalid) {
  EXPECT_EQ(failure(decode_whole(connect_header(v311, 0x06).str("a").str("t/#").str("m").packet(0x10), v311)),
            reason_code::topic_name_invalid);
}

TEST(decode_connect, password_without_user_name_is_malformed_in_v311_MQTT_3_1_2_22) {
  EXPECT_EQ(failure(decode_whole(connect_header(v311, 0x42).str("a").str("pw").packet(0x10), v311)),
            reason_code::malformed_packet);
}

TEST(decode_connect, password_without_user_name_is_allowed_in_v5) {
  const auto& c = get<connect>(decode_whole(connect_header(v5, 0x42).str("a").str("pw").packet(0x10), v5));
  EXPECT_FALSE(c.username);
  EXPECT_EQ(c.password, "pw");
}

// 3.1.1 [MQTT-3.1.3-8]: a zero-byte ClientId with CleanSession 0 gets return code 2.
TEST(decode_connect, empty_client_id_without_clean_session_is_rejected_in_v311_MQTT_3_1_3_8) {
  EXPECT_EQ(failure(decode_whole(connect_header(v311, 0x00).str("").packet(0x10), v311)),
            reason_code::client_identifier_not_valid);
  EXPECT_TRUE(decode_whole(connect_header(v311, 0x02).str("").packet(0x10), v311));
  // MQTT 5 lets the server assign an identifier whatever Clean Start says (§3.1.3.1).
  EXPECT_TRUE(decode_whole(connect_header(v5, 0x00).str("").packet(0x10), v5));
}

TEST(decode_connect, client_id_must_be_well_formed_utf8_MQTT_1_5_4_1) {
  EXPECT_EQ(failure(decode_whole(connect_header(v5, 0x02).str("\xED\xA0\x80").packet(0x10), v5)),
            reason_code::malformed_packet);
}

// 5.0 [MQTT-3.1.3-1]/3.1.1 [MQTT-3.1.3-1]: fields present per flags, in order, and nothing else.
TEST(decode_connect, missing_user_name_is_malformed) {
  EXPECT_EQ(failure(decode_whole(connect_header(v311, 0x82).str("a").packet(0x10), v311)),
            reason_code::malformed_packet);
}

TEST(decode_connect, trailing_bytes_are_malformed) {
  EXPECT_EQ(failure(decode_whole(connect_header(v311, 0x82).str("a").str("u").u8(0).packet(0x10), v311)),
            reason_code::malformed_packet);
}

TEST(decode_connect, truncated_variable_header_is_malformed) {
  EXPECT_EQ(failure(decode_whole(body().str("MQTT").u8(4).u8(2).packet(0x10), v311)), reason_code::malformed_packet);
}

TEST(decode_connect, property_not_allowed_in_connect_is_malformed) {
  body b;
  b.str("MQTT").u8(5).u8(0x02).u16(60).props(body().hex("23 00 01")).str("a");  // Topic Alias
  EXPECT_EQ(failure(decode_whole(b.packet(0x10), v5)), reason_code::malformed_packet);
}

TEST(decode_connect, will_property_outside_will_properties_is_malformed) {
  body b;
  b.str("MQTT").u8(5).u8(0x02).u16(60).props(body().hex("18 00 00 00 05")).str("a");  // Will Delay Interval
  EXPECT_EQ(failure(decode_whole(b.packet(0x10), v5)), reason_code::malformed_packet);
}

TEST(decode_connect, connect_property_inside_will_properties_is_malformed) {
  body b;
  b.str("MQTT").u8(5).u8(0x06).u16(60).no_props().str("a").props(body().hex("11 00 00 00 05")).str("t").str("m");
  EXPECT_EQ(failure(decode_whole(b.packet(0x10), v5)), reason_code::malformed_packet);
}

TEST(decode_connect, authentication_data_without_method_is_protocol_error) {
  body b;
  b.str("MQTT").u8(5).u8(0x02).u16(60).props(body().hex("16 00 01 ff")).str("a");
  EXPECT_EQ(failure(decode_whole(b.packet(0x10), v5)), reason_code::protocol_error);
}

TEST(decode_connack, v311_return_codes_map_to_reason_codes) {
  EXPECT_EQ(get<connack>(decode_whole(hex("20 02 01 00"), v311)).session_present, true);
  EXPECT_EQ(get<connack>(decode_whole(hex("20 02 00 01"), v311)).reason, reason_code::unsupported_protocol_version);
  EXPECT_EQ(get<connack>(decode_whole(hex("20 02 00 02"), v311)).reason, reason_code::client_identifier_not_valid);
  EXPECT_EQ(get<connack>(decode_whole(hex("20 02 00 03"), v311)).reason, reason_code::server_unavailable);
  EXPECT_EQ(get<connack>(decode_whole(hex("20 02 00 04"), v311)).reason, reason_code::bad_user_name_or_password);
  EXPECT_EQ(get<connack>(decode_whole(hex("20 02 00 05"), v311)).reason, reason_code::not_authorized);
}

TEST(decode_connack, v311_reserved_return_code_is_malformed) {
  EXPECT_EQ(failure(decode_whole(hex("20 02 00 06"), v311)), reason_code::malformed_packet);
}

// 5.0 [MQTT-3.2.2-1] (3.1.1 §3.2.2.1): bits 7-1 of the acknowledge flags are reserved.
TEST(decode_connack, reserved_acknowledge_flags_are_malformed_MQTT_3_2_2_1) {
  EXPECT_EQ(failure(decode_whole(hex("20 02 02 00"), v311)), reason_code::malformed_packet);
  EXPECT_EQ(failure(decode_whole(hex("20 03 80 00 00"), v5)), reason_code::malformed_packet);
}

// 5.0 [MQTT-3.2.2-6], 3.1.1 [MQTT-3.2.2-4].
TEST(decode_connack, session_present_with_failure_is_protocol_error_MQTT_3_2_2_6) {
  EXPECT_EQ(failure(decode_whole(hex("20 03 01 87 00"), v5)), reason_code::protocol_error);
  EXPECT_EQ(failure(decode_whole(hex("20 02 01 05"), v311)), reason_code::protocol_error);
}

TEST(decode_connack, v5_reason_not_in_connack_table_is_protocol_error) {
  EXPECT_EQ(failure(decode_whole(hex("20 03 00 10 00"), v5)), reason_code::protocol_error);
}

TEST(decode_connack, v5_requires_property_length) {
  EXPECT_EQ(failure(decode_whole(hex("20 02 00 00"), v5)), reason_code::malformed_packet);
}

TEST(decode_connack, v5_properties) {
  const auto& c = get<connack>(
      decode_whole(body().u8(0).u8(0).props(body().hex("24 01 25 00 21 00 0a 12").str("gen-1")).packet(0x20), v5));
  EXPECT_EQ(c.properties.maximum_qos, qos::at_least_once);
  EXPECT_EQ(c.properties.retain_available, false);
  EXPECT_EQ(c.properties.receive_maximum, 10);
  EXPECT_EQ(c.properties.assigned_client_identifier, "gen-1");
}
