// PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP decoding.
#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace mothership::mqtt;
using namespace mothership::mqtt::test;

TEST(decode_publish, v311_qos1) {
  const auto& p = get<publish>(decode_whole(hex("33 0a 00 03 61 2f 62 00 0a 68 69 21"), v311));
  EXPECT_FALSE(p.dup);
  EXPECT_EQ(p.qos, qos::at_least_once);
  EXPECT_TRUE(p.retain);
  EXPECT_EQ(p.topic, "a/b");
  EXPECT_EQ(p.packet_id, 10);
  EXPECT_EQ(p.payload, "hi!");
}

TEST(decode_publish, qos0_has_no_packet_id_and_may_have_empty_payload) {
  const auto& p = get<publish>(decode_whole(hex("30 03 00 01 61"), v311));
  EXPECT_EQ(p.packet_id, std::nullopt);
  EXPECT_EQ(p.payload, "");
}

TEST(decode_publish, v5_properties_and_payload) {
  const auto r =
      decode_whole(body()
                       .str("t")
                       .u16(7)
                       .props(body().hex("01 01  02 00 00 00 3c  0b 05  0b 81 01").u8(0x26).str("k").str("v"))
                       .raw("{}")
                       .packet(0x3a),
                   v5);  // DUP, QoS 1
  const auto& p = get<publish>(r);
  EXPECT_TRUE(p.dup);
  EXPECT_EQ(p.packet_id, 7);
  EXPECT_EQ(p.properties.payload_format_indicator, 1);
  EXPECT_EQ(p.properties.message_expiry_interval, 60u);
  EXPECT_EQ(p.properties.subscription_identifiers, (std::vector<std::uint32_t>{5, 129}));
  ASSERT_EQ(p.properties.user_properties.size(), 1u);
  EXPECT_EQ(p.properties.user_properties[0], (std::pair<std::string, std::string>{"k", "v"}));
  EXPECT_EQ(p.payload, "{}");
}

TEST(decode_publish, qos_3_is_malformed_MQTT_3_3_1_4) {
  for (auto v : {v311, v5}) {
    EXPECT_EQ(failure(decode_whole(body().str("t").u16(1).packet(0x36), v)), reason_code::malformed_packet);
  }
}

TEST(decode_publish, dup_on_qos0_is_malformed_MQTT_3_3_1_2) {
  EXPECT_EQ(failure(decode_whole(body().str("t").packet(0x38), v311)), reason_code::malformed_packet);
  EXPECT_EQ(failure(decode_whole(body().str("t").no_props().packet(0x38), v5)), reason_code::malformed_packet);
}

// 5.0 [MQTT-2.2.1-3], 3.1.1 [MQTT-2.3.1-1].
TEST(decode_publish, packet_id_zero_is_protocol_error_MQTT_2_3_1_1) {
  EXPECT_EQ(failure(decode_whole(body().str("t").u16(0).packet(0x32), v311)), reason_code::protocol_error);
  EXPECT_EQ(failure(decode_whole(body().str("t").u16(0).no_props().packet(0x34), v5)), reason_code::protocol_error);
}

TEST(decode_publish, wildcard_in_topic_is_topic_name_invalid_MQTT_3_3_2_2) {
  for (const char* topic : {"a/+", "#", "a/b#", "+"}) {
    EXPECT_EQ(failure(decode_whole(body().str(topic).packet(0x30), v311)), reason_code::topic_name_invalid) << topic;
    EXPECT_EQ(failure(decode_whole(body().str(topic).no_props().packet(0x30), v5)), reason_code::topic_name_invalid)
        << topic;
  }
}

TEST(decode_publish, empty_topic_is_invalid_in_v311_MQTT_4_7_3_1) {
  EXPECT_EQ(failure(decode_whole(body().str("").packet(0x30), v311)), reason_code::topic_name_invalid);
}

TEST(decode_publish, empty_topic_needs_a_topic_alias_in_v5) {
  EXPECT_EQ(failure(decode_whole(body().str("").no_props().packet(0x30), v5)), reason_code::protocol_error);
  const auto& p = get<publish>(decode_whole(body().str("").props(body().hex("23 00 02")).packet(0x30), v5));
  EXPECT_EQ(p.properties.topic_alias, 2);
}

TEST(decode_publish, topic_alias_zero_is_invalid_MQTT_3_3_2_8) {
  EXPECT_EQ(failure(decode_whole(body().str("t").props(body().hex("23 00 00")).packet(0x30), v5)),
            reason_code::topic_alias_invalid);
}

TEST(decode_publish, ill_formed_topic_is_malformed_MQTT_1_5_4_1_and_2) {
  EXPECT_EQ(failure(decode_whole(body().str("a\xED\xBF\xBF").packet(0x30), v311)), reason_code::malformed_packet);
  EXPECT_EQ(failure(decode_whole(body().str(std::string("a\0b", 3)).packet(0x30), v311)),
            reason_code::malformed_packet);
  EXPECT_EQ(failure(decode_whole(body().str("\xC0\xAF").packet(0x30), v311)), reason_code::malformed_packet);
}

TEST(decode_publish, topic_length_beyond_packet_is_malformed) {
  EXPECT_EQ(failure(decode_whole(hex("30 03 00 05 61"), v311)), reason_code::malformed_packet);
}

TEST(decode_publish, response_topic_with_wildcard_is_protocol_error_MQTT_3_3_2_14) {
  EXPECT_EQ(failure(decode_whole(body().str("t").props(body().u8(0x08).str("r/#")).packet(0x30), v5)),
            reason_code::protocol_error);
}

TEST(decode_publish, connect_property_in_publish_is_malformed) {
  EXPECT_EQ(failure(decode_whole(body().str("t").props(body().hex("11 00 00 00 01")).packet(0x30), v5)),
            reason_code::malformed_packet);
}

TEST(decode_publish, property_length_beyond_packet_is_malformed) {
  EXPECT_EQ(failure(decode_whole(body().str("t").u8(9).hex("01 01").packet(0x30), v5)), reason_code::malformed_packet);
}

TEST(decode_ack, v311_acks_are_two_bytes) {
  EXPECT_EQ(get<puback>(decode_whole(hex("40 02 00 05"), v311)).packet_id, 5);
  EXPECT_EQ(get<pubrec>(decode_whole(hex("50 02 00 05"), v311)).packet_id, 5);
  EXPECT_EQ(get<pubrel>(decode_whole(hex("62 02 00 05"), v311)).packet_id, 5);
  EXPECT_EQ(get<pubcomp>(decode_whole(hex("70 02 00 05"), v311)).packet_id, 5);
  EXPECT_EQ(failure(decode_whole(hex("40 03 00 05 00"), v311)), reason_code::malformed_packet);
  EXPECT_EQ(failure(decode_whole(hex("40 01 00"), v311)), reason_code::malformed_packet);
}

// MQTT 5 §3.4.2.1 and §3.4.2.2.1: Reason Code and Property Length may be left out.
TEST(decode_ack, v5_short_forms) {
  const auto& a = get<puback>(decode_whole(hex("40 02 00 05"), v5));
  EXPECT_EQ(a.reason, reason_code::success);
  EXPECT_EQ(get<puback>(decode_whole(hex("40 03 00 05 10"), v5)).reason, reason_code::no_matching_subscribers);
  EXPECT_EQ(get<pubrec>(decode_whole(hex("50 04 00 05 80 00"), v5)).reason, reason_code::unspecified_error);
  const auto& c =
      get<pubcomp>(decode_whole(body().u16(5).u8(0x92).props(body().u8(0x1f).str("gone")).packet(0x70), v5));
  EXPECT_EQ(c.reason, reason_code::packet_identifier_not_found);
  EXPECT_EQ(c.properties.reason_string, "gone");
}

// [MQTT-3.4.2-1], [MQTT-3.5.2-1], [MQTT-3.6.2-1], [MQTT-3.7.2-1]: only the packet's own codes.
TEST(decode_ack, reason_code_outside_the_packets_table_is_protocol_error_MQTT_3_4_2_1) {
  EXPECT_EQ(failure(decode_whole(hex("40 03 00 05 92"), v5)), reason_code::protocol_error);  // PUBACK
  EXPECT_EQ(failure(decode_whole(hex("62 03 00 05 10"), v5)), reason_code::protocol_error);  // PUBREL
  EXPECT_EQ(failure(decode_whole(hex("70 03 00 05 87"), v5)), reason_code::protocol_error);  // PUBCOMP
  EXPECT_EQ(failure(decode_whole(hex("50 03 00 05 05"), v5)), reason_code::protocol_error);  // PUBREC
}

TEST(decode_ack, packet_id_zero_is_protocol_error) {
  EXPECT_EQ(failure(decode_whole(hex("40 02 00 00"), v311)), reason_code::protocol_error);
}

TEST(decode_ack, pubrel_flags_must_be_0010_MQTT_3_6_1_1) {
  EXPECT_EQ(failure(decode_whole(hex("60 02 00 05"), v311)), reason_code::malformed_packet);
  EXPECT_EQ(failure(decode_whole(hex("60 02 00 05"), v5)), reason_code::malformed_packet);
  EXPECT_EQ(failure(decode_whole(hex("42 02 00 05"), v5)), reason_code::malformed_packet);  // PUBACK with 0010
}

TEST(decode_ack, property_not_allowed_in_ack_is_malformed) {
  EXPECT_EQ(failure(decode_whole(body().u16(5).u8(0).props(body().hex("23 00 01")).packet(0x40), v5)),
            reason_code::malformed_packet);
}
