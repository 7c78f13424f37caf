// SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK decoding.
#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace mothership::mqtt;
using namespace mothership::mqtt::test;

namespace {

bytes subscribe_v5(std::string_view filter, std::uint8_t options) {
  return body().u16(1).no_props().str(filter).u8(options).packet(0x82);
}
bytes subscribe_v311(std::string_view filter, std::uint8_t options) {
  return body().u16(1).str(filter).u8(options).packet(0x82);
}
}  // namespace

TEST(decode_subscribe, v5_captured_example) {
  // A SUBSCRIBE to "demo" with Maximum QoS 2, as captured from a real client.
  const auto& s = get<subscribe>(decode_whole(hex("82 0a 05 be 00 00 04 64 65 6d 6f 02"), v5));
  EXPECT_EQ(s.packet_id, 0x05be);
  ASSERT_EQ(s.entries.size(), 1u);
  EXPECT_EQ(s.entries[0].filter, "demo");
  EXPECT_EQ(s.entries[0].max_qos, qos::exactly_once);
}

TEST(decode_subscribe, v5_subscription_options) {
  const auto& s = get<subscribe>(
      decode_whole(body().u16(3).props(body().hex("0b 2a")).str("a/+").u8(0x2d).str("b/#").u8(0x10).packet(0x82), v5));
  EXPECT_EQ(s.properties.subscription_identifiers, std::vector<std::uint32_t>{42});
  ASSERT_EQ(s.entries.size(), 2u);
  EXPECT_EQ(s.entries[0].max_qos, qos::at_least_once);
  EXPECT_TRUE(s.entries[0].no_local);
  EXPECT_TRUE(s.entries[0].retain_as_published);
  EXPECT_EQ(s.entries[0].retain_handling, retain_handling::do_not_send);
  EXPECT_EQ(s.entries[1].max_qos, qos::at_most_once);
  EXPECT_FALSE(s.entries[1].no_local);
  EXPECT_EQ(s.entries[1].retain_handling, retain_handling::send_if_new_subscription);
}

TEST(decode_subscribe, flags_must_be_0010_MQTT_3_8_1_1) {
  EXPECT_EQ(failure(decode_whole(body().u16(1).str("a").u8(0).packet(0x80), v311)), reason_code::malformed_packet);
  EXPECT_EQ(failure(decode_whole(body().u16(1).no_props().str("a").u8(0).packet(0x83), v5)),
            reason_code::malformed_packet);
}

// 3.1.1 [MQTT-3.8.3-3], 5.0 [MQTT-3.8.3-2]: at least one Topic Filter.
TEST(decode_subscribe, no_topic_filter_is_protocol_error_MQTT_3_8_3_3) {
  EXPECT_EQ(failure(decode_whole(body().u16(1).packet(0x82), v311)), reason_code::protocol_error);
  EXPECT_EQ(failure(decode_whole(body().u16(1).no_props().packet(0x82), v5)), reason_code::protocol_error);
}

TEST(decode_subscribe, packet_id_zero_is_protocol_error_MQTT_2_3_1_1) {
  EXPECT_EQ(failure(decode_whole(body().u16(0).str("a").u8(0).packet(0x82), v311)), reason_code::protocol_error);
}

TEST(decode_subscribe, filter_without_options_byte_is_malformed) {
  EXPECT_EQ(failure(decode_whole(body().u16(1).str("a").packet(0x82), v311)), reason_code::malformed_packet);
}

// 3.1.1 [MQTT-3-8.3-4]: reserved bits 7-2 and QoS 3.
TEST(decode_subscribe, v311_reserved_option_bits_are_malformed_MQTT_3_8_3_4) {
  EXPECT_EQ(failure(decode_whole(subscribe_v311("a", 0x04), v311)), reason_code::malformed_packet);
  EXPECT_EQ(failure(decode_whole(subscribe_v311("a", 0x80), v311)), reason_code::malformed_packet);
  EXPECT_EQ(failure(decode_whole(subscribe_v311("a", 0x03), v311)), reason_code::malformed_packet);
}

// 5.0 [MQTT-3.8.3-5]: bits 7-6 reserved.
TEST(decode_subscribe, v5_reserved_option_bits_are_malformed_MQTT_3_8_3_5) {
  EXPECT_EQ(failure(decode_whole(subscribe_v5("a", 0x40), v5)), reason_code::malformed_packet);
  EXPECT_EQ(failure(decode_whole(subscribe_v5("a", 0x80), v5)), reason_code::malformed_packet);
}

// 5.0 §3.8.3.1: Maximum QoS 3 and Retain Handling 3 are protocol errors.
TEST(decode_subscribe, v5_qos_3_is_protocol_error) {
  EXPECT_EQ(failure(decode_whole(subscribe_v5("a", 0x03), v5)), reason_code::protocol_error);
}

TEST(decode_subscribe, v5_retain_handling_3_is_protocol_error) {
  EXPECT_EQ(failure(decode_whole(subscribe_v5("a", 0x30), v5)), reason_code::protocol_error);
}

// [MQTT-4.7.1-1] '#' last and alone, [MQTT-4.7.1-2] '+' alone in its level, [MQTT-4.7.3-1] not empty.
TEST(decode_subscribe, invalid_filters_are_topic_filter_invalid_MQTT_4_7_1_1_and_2) {
  for (const char* filter :
       {"a/#/b", "a#", "#/", "a/b+", "+a", "", "$share/g", "$share//a", "$share/g+/a", "$share/g/"}) {
    EXPECT_EQ(failure(decode_whole(subscribe_v311(filter, 0), v311)), reason_code::topic_filter_invalid) << filter;
    EXPECT_EQ(failure(decode_whole(subscribe_v5(filter, 0), v5)), reason_code::topic_filter_invalid) << filter;
  }
}

TEST(decode_subscribe, ill_formed_filter_is_malformed_MQTT_1_5_4_1) {
  EXPECT_EQ(failure(decode_whole(subscribe_v5("a/\xED\xA0\x80", 0), v5)), reason_code::malformed_packet);
}

TEST(decode_subscribe, valid_shared_subscription_is_accepted) {
  const auto& s = get<subscribe>(decode_whole(subscribe_v5("$share/workers/jobs/#", 1), v5));
  EXPECT_EQ(s.entries[0].filter, "$share/workers/jobs/#");
}

TEST(decode_subscribe, no_local_on_shared_subscription_is_protocol_error_MQTT_3_8_3_4) {
  EXPECT_EQ(failure(decode_whole(subscribe_v5("$share/g/a", 0x04), v5)), reason_code::protocol_error);
}

TEST(decode_subscribe, two_subscription_identifiers_are_protocol_error) {
  EXPECT_EQ(failure(decode_whole(body().u16(1).props(body().hex("0b 01 0b 02")).str("a").u8(0).packet(0x82), v5)),
            reason_code::protocol_error);
}

TEST(decode_subscribe, subscription_identifier_zero_is_protocol_error) {
  EXPECT_EQ(failure(decode_whole(body().u16(1).props(body().hex("0b 00")).str("a").u8(0).packet(0x82), v5)),
            reason_code::protocol_error);
}

TEST(decode_subscribe, publish_property_in_subscribe_is_malformed) {
  EXPECT_EQ(failure(decode_whole(body().u16(1).props(body().hex("01 01")).str("a").u8(0).packet(0x82), v5)),
            reason_code::malformed_packet);
}

TEST(decode_suback, v311_return_codes) {
  const auto& s = get<suback>(decode_whole(hex("90 06 00 09 00 01 02 80"), v311));
  EXPECT_EQ(s.packet_id, 9);
  EXPECT_EQ(s.reasons, (std::vector<reason_code>{reason_code::granted_qos_0, reason_code::granted_qos_1,
                                                 reason_code::granted_qos_2, reason_code::unspecified_error}));
}

TEST(decode_suback, v311_reserved_return_code_is_protocol_error_MQTT_3_9_3_2) {
  EXPECT_EQ(failure(decode_whole(hex("90 03 00 09 03"), v311)), reason_code::protocol_error);
  EXPECT_EQ(failure(decode_whole(hex("90 03 00 09 87"), v311)), reason_code::protocol_error);
}

TEST(decode_suback, v5_reason_codes_MQTT_3_9_3_2) {
  const auto& s = get<suback>(decode_whole(hex("90 05 05 be 00 02 a2"), v5));
  EXPECT_EQ(s.reasons,
            (std::vector<reason_code>{reason_code::granted_qos_2, reason_code::wildcard_subscriptions_not_supported}));
  EXPECT_EQ(failure(decode_whole(hex("90 04 05 be 00 11"), v5)), reason_code::protocol_error);
}

TEST(decode_suback, without_reason_codes_is_protocol_error) {
  EXPECT_EQ(failure(decode_whole(hex("90 02 00 09"), v311)), reason_code::protocol_error);
}

TEST(decode_unsubscribe, filters) {
  const auto& u = get<unsubscribe>(decode_whole(body().u16(4).str("a/+").str("$share/g/b").packet(0xa2), v311));
  EXPECT_EQ(u.packet_id, 4);
  EXPECT_EQ(u.filters, (std::vector<std::string>{"a/+", "$share/g/b"}));
}

TEST(decode_unsubscribe, flags_must_be_0010_MQTT_3_10_1_1) {
  EXPECT_EQ(failure(decode_whole(body().u16(4).str("a").packet(0xa0), v311)), reason_code::malformed_packet);
}

TEST(decode_unsubscribe, no_topic_filter_is_protocol_error_MQTT_3_10_3_2) {
  EXPECT_EQ(failure(decode_whole(body().u16(4).packet(0xa2), v311)), reason_code::protocol_error);
  EXPECT_EQ(failure(decode_whole(body().u16(4).no_props().packet(0xa2), v5)), reason_code::protocol_error);
}

TEST(decode_unsubscribe, invalid_filter_is_topic_filter_invalid) {
  EXPECT_EQ(failure(decode_whole(body().u16(4).no_props().str("a/#/b").packet(0xa2), v5)),
            reason_code::topic_filter_invalid);
}

TEST(decode_unsubscribe, subscription_identifier_not_allowed_is_malformed) {
  EXPECT_EQ(failure(decode_whole(body().u16(4).props(body().hex("0b 01")).str("a").packet(0xa2), v5)),
            reason_code::malformed_packet);
}

TEST(decode_unsuback, v311_has_no_payload) {
  EXPECT_EQ(get<unsuback>(decode_whole(hex("b0 02 00 04"), v311)).packet_id, 4);
  EXPECT_EQ(failure(decode_whole(hex("b0 03 00 04 00"), v311)), reason_code::malformed_packet);
}

TEST(decode_unsuback, v5_reason_codes) {
  const auto& u = get<unsuback>(decode_whole(hex("b0 05 00 04 00 00 11"), v5));
  EXPECT_EQ(u.reasons, (std::vector<reason_code>{reason_code::success, reason_code::no_subscription_existed}));
  EXPECT_EQ(failure(decode_whole(hex("b0 04 00 04 00 01"), v5)), reason_code::protocol_error);
  EXPECT_EQ(failure(decode_whole(hex("b0 03 00 04 00"), v5)), reason_code::protocol_error);
}
