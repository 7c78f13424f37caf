// MQTT 5 property lists (§2.2.2): identifiers, where each may appear, repetition, value ranges.
#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace mothership::mqtt;
using namespace mothership::mqtt::test;

namespace {

// A v5 CONNACK carrying the given raw property bytes.
reason_code connack_with(std::string_view property_hex) {
  return failure(decode_whole(body().u8(0).u8(0).props(body().hex(property_hex)).packet(0x20), v5));
}

// A v5 PUBLISH carrying the given raw property bytes.
reason_code publish_with(std::string_view property_hex) {
  return failure(decode_whole(body().str("t").props(body().hex(property_hex)).packet(0x30), v5));
}

}  // namespace

TEST(properties, every_connack_property_round_trips) {
  connack c;
  auto& p = c.properties;
  p.session_expiry_interval = 3600;
  p.receive_maximum = 20;
  p.maximum_qos = qos::at_least_once;
  p.retain_available = false;
  p.maximum_packet_size = 1 << 20;
  p.assigned_client_identifier = "auto-1";
  p.topic_alias_maximum = 10;
  p.reason_string = "welcome";
  p.user_properties = {{"b", "2"}, {"a", "1"}, {"b", "3"}};
  p.wildcard_subscription_available = true;
  p.subscription_identifier_available = false;
  p.shared_subscription_available = true;
  p.server_keep_alive = 30;
  p.response_information = "resp/";
  p.server_reference = "other:8883";
  p.authentication_method = "m";
  p.authentication_data = std::string("\0\1", 2);
  EXPECT_EQ(get<connack>(decode_whole(encode_bytes(c, v5), v5)), c);
}

TEST(properties, every_publish_and_will_property_round_trips) {
  publish p;
  p.topic = "t";
  p.properties.payload_format_indicator = 1;
  p.properties.message_expiry_interval = 60;
  p.properties.content_type = "application/json";
  p.properties.response_topic = "replies/1";
  p.properties.correlation_data = std::string("\x00\xff", 2);
  p.properties.subscription_identifiers = {1, 268'435'455};
  p.properties.topic_alias = 3;
  p.properties.user_properties = {{"k", "v"}};
  EXPECT_EQ(get<publish>(decode_whole(encode_bytes(p, v5), v5)), p);

  connect c;
  c.client_id = "c";
  c.properties.request_problem_information = false;
  c.properties.request_response_information = true;
  c.properties.receive_maximum = 5;
  c.properties.topic_alias_maximum = 0;
  c.properties.maximum_packet_size = 4096;
  c.properties.session_expiry_interval = 0xFFFFFFFF;
  c.will = will_message{"w", "x", qos::at_most_once, false, {}};
  c.will->properties.will_delay_interval = 9;
  c.will->properties.content_type = "text/plain";
  c.will->properties.correlation_data = "id";
  c.will->properties.response_topic = "r";
  c.will->properties.message_expiry_interval = 1;
  c.will->properties.payload_format_indicator = 0;
  EXPECT_EQ(get<connect>(decode_whole(encode_bytes(c, v5), v5)), c);
}

TEST(properties, encoder_leaves_out_properties_the_packet_cannot_carry) {
  publish p;
  p.topic = "t";
  p.properties.session_expiry_interval = 10;  // CONNECT/CONNACK/DISCONNECT only
  p.properties.reason_string = "no";          // acknowledgements only
  EXPECT_EQ(encode_bytes(p, v5), hex("30 04 00 01 74 00"));
}

TEST(properties, unknown_identifier_is_malformed) {
  EXPECT_EQ(connack_with("00"), reason_code::malformed_packet);
  EXPECT_EQ(connack_with("7f 00"), reason_code::malformed_packet);
  EXPECT_EQ(connack_with("80 01 00"), reason_code::malformed_packet);  // identifier 128
}

// §2.2.2.2: an identifier not valid for the packet type is a Malformed Packet.
TEST(properties, identifier_not_valid_for_the_packet_is_malformed) {
  EXPECT_EQ(connack_with("23 00 01"), reason_code::malformed_packet);        // Topic Alias
  EXPECT_EQ(connack_with("17 01"), reason_code::malformed_packet);           // Request Problem Information
  EXPECT_EQ(publish_with("21 00 01"), reason_code::malformed_packet);        // Receive Maximum
  EXPECT_EQ(publish_with("18 00 00 00 01"), reason_code::malformed_packet);  // Will Delay Interval
}

// Each single-valued property: "It is a Protocol Error to include ... more than once".
TEST(properties, repeated_single_valued_property_is_protocol_error) {
  EXPECT_EQ(connack_with("11 00 00 00 01  11 00 00 00 01"), reason_code::protocol_error);
  EXPECT_EQ(connack_with("21 00 01  21 00 02"), reason_code::protocol_error);
  EXPECT_EQ(connack_with("24 00  24 00"), reason_code::protocol_error);
  EXPECT_EQ(connack_with("1f 00 00  1f 00 00"), reason_code::protocol_error);
  EXPECT_EQ(connack_with("15 00 01 6d  15 00 01 6d"), reason_code::protocol_error);
  EXPECT_EQ(publish_with("01 00  01 00"), reason_code::protocol_error);
  EXPECT_EQ(publish_with("23 00 01  23 00 01"), reason_code::protocol_error);
  EXPECT_EQ(publish_with("09 00 00  09 00 00"), reason_code::protocol_error);
}

TEST(properties, user_properties_repeat_and_keep_their_order) {
  const auto& c = get<connack>(
      decode_whole(body()
                       .u8(0)
                       .u8(0)
                       .props(body().u8(0x26).str("a").str("1").u8(0x26).str("a").str("2").u8(0x26).str("0").str(""))
                       .packet(0x20),
                   v5));
  const std::vector<std::pair<std::string, std::string>> expected{{"a", "1"}, {"a", "2"}, {"0", ""}};
  EXPECT_EQ(c.properties.user_properties, expected);
}

TEST(properties, byte_flags_other_than_0_or_1_are_protocol_error) {
  EXPECT_EQ(connack_with("25 02"), reason_code::protocol_error);  // Retain Available
  EXPECT_EQ(connack_with("28 02"), reason_code::protocol_error);  // Wildcard Subscription Available
  EXPECT_EQ(connack_with("24 02"), reason_code::protocol_error);  // Maximum QoS 2 is never sent
  EXPECT_EQ(publish_with("01 02"), reason_code::protocol_error);  // Payload Format Indicator
}

TEST(properties, zero_receive_maximum_and_maximum_packet_size_are_protocol_error) {
  EXPECT_EQ(connack_with("21 00 00"), reason_code::protocol_error);
  EXPECT_EQ(connack_with("27 00 00 00 00"), reason_code::protocol_error);
}

TEST(properties, subscription_identifier_zero_is_protocol_error) {
  EXPECT_EQ(publish_with("0b 00"), reason_code::protocol_error);
}

// [MQTT-1.5.5-1]: Variable Byte Integers use the fewest bytes, property lengths included.
TEST(properties, non_minimal_variable_byte_integers_are_malformed_MQTT_1_5_5_1) {
  EXPECT_EQ(publish_with("0b 81 00"), reason_code::malformed_packet);  // Subscription Identifier 1 in 2 bytes
  EXPECT_EQ(failure(decode_whole(body().str("t").hex("80 00").packet(0x30), v5)), reason_code::malformed_packet);
}

TEST(properties, value_crossing_the_property_length_is_malformed) {
  // Property Length 2 covers "02 00" but Message Expiry Interval needs 4 bytes.
  EXPECT_EQ(failure(decode_whole(body().str("t").hex("02 02 00 00 00").packet(0x30), v5)),
            reason_code::malformed_packet);
}

TEST(properties, strings_must_be_well_formed_MQTT_1_5_4_1) {
  EXPECT_EQ(publish_with("03 00 02 c3 28"), reason_code::malformed_packet);        // Content Type
  EXPECT_EQ(publish_with("26 00 01 61 00 01 00"), reason_code::malformed_packet);  // User Property value U+0000
}

TEST(properties, binary_data_may_hold_any_byte) {
  const auto& p =
      get<publish>(decode_whole(body().str("t").props(body().hex("09 00 03 00 ed a0")).raw("x").packet(0x30), v5));
  EXPECT_EQ(p.properties.correlation_data, std::string("\x00\xed\xa0", 3));
}
