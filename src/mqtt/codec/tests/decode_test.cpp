// Dispatch and fixed-header rules, PINGREQ/PINGRESP, DISCONNECT, AUTH, reason code helpers.
#include <gtest/gtest.h>
#include <boost/system/system_error.hpp>

#include "test_support.hpp"

using namespace mothership::mqtt;
using namespace mothership::mqtt::test;

TEST(decode_packet, reserved_packet_type_0_is_malformed) {
  EXPECT_EQ(failure(decode_whole(hex("00 00"), v5)), reason_code::malformed_packet);
}

TEST(decode_packet, auth_is_not_a_v311_packet) {
  EXPECT_EQ(failure(decode_whole(hex("f0 00"), v311)), reason_code::malformed_packet);
}

// 5.0 [MQTT-2.1.3-1], 3.1.1 [MQTT-2.2.2-1]: reserved flag bits must hold the listed values.
TEST(decode_packet, reserved_fixed_header_flags_are_malformed_MQTT_2_1_3_1) {
  for (std::uint8_t type = 1; type <= 15; ++type) {
    if (type == 3) continue;  // PUBLISH flags are DUP, QoS and RETAIN
    const bool flagged = type == 6 || type == 8 || type == 10;
    for (std::uint8_t flags : {0x00, 0x01, 0x02, 0x04, 0x08, 0x0F}) {
      if (flags == (flagged ? 0x02 : 0x00)) continue;
      const auto first = static_cast<std::uint8_t>(type << 4 | flags);
      EXPECT_EQ(decode_packet(first, {}, v5).error().reason, reason_code::malformed_packet)
          << "type " << int(type) << " flags " << int(flags);
    }
  }
}

TEST(decode_packet, ping) {
  EXPECT_TRUE(std::holds_alternative<pingreq>(*decode_whole(hex("c0 00"), v311)));
  EXPECT_TRUE(std::holds_alternative<pingresp>(*decode_whole(hex("d0 00"), v5)));
  EXPECT_EQ(failure(decode_whole(hex("c0 01 00"), v311)), reason_code::malformed_packet);
}

TEST(decode_packet, result_value_throws_with_the_reason) {
  const auto r = decode_whole(hex("c0 01 00"), v311);
  try {
    (void)r.value();
    FAIL() << "no exception";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), make_error_code(reason_code::malformed_packet));
  }
}

TEST(decode_disconnect, v311_has_no_body) {
  EXPECT_EQ(get<disconnect>(decode_whole(hex("e0 00"), v311)).reason, reason_code::normal_disconnection);
  EXPECT_EQ(failure(decode_whole(hex("e0 01 00"), v311)), reason_code::malformed_packet);
}

// MQTT 5 §3.14.2.1: Remaining Length 0 means Normal disconnection, 1 means no properties.
TEST(decode_disconnect, v5_short_forms) {
  EXPECT_EQ(get<disconnect>(decode_whole(hex("e0 00"), v5)).reason, reason_code::normal_disconnection);
  EXPECT_EQ(get<disconnect>(decode_whole(hex("e0 01 04"), v5)).reason, reason_code::disconnect_with_will_message);
  const auto& d = get<disconnect>(decode_whole(body().u8(0x9c).props(body().u8(0x1c).str("b:1883")).packet(0xe0), v5));
  EXPECT_EQ(d.reason, reason_code::use_another_server);
  EXPECT_EQ(d.properties.server_reference, "b:1883");
}

TEST(decode_disconnect, reason_code_outside_table_is_protocol_error_MQTT_3_14_2_1) {
  EXPECT_EQ(failure(decode_whole(hex("e0 01 10"), v5)), reason_code::protocol_error);
  EXPECT_EQ(failure(decode_whole(hex("e0 01 84"), v5)), reason_code::protocol_error);
}

TEST(decode_disconnect, will_delay_interval_is_not_allowed) {
  EXPECT_EQ(failure(decode_whole(body().u8(0).props(body().hex("18 00 00 00 01")).packet(0xe0), v5)),
            reason_code::malformed_packet);
}

TEST(decode_disconnect, trailing_bytes_are_malformed) {
  EXPECT_EQ(failure(decode_whole(hex("e0 03 00 00 00"), v5)), reason_code::malformed_packet);
}

TEST(decode_auth, empty_auth_is_success) {
  EXPECT_EQ(get<auth>(decode_whole(hex("f0 00"), v5)), auth{});
}

TEST(decode_auth, continue_with_method_and_data) {
  const auto& a = get<auth>(
      decode_whole(body().u8(0x18).props(body().u8(0x15).str("SCRAM-SHA-1").u8(0x16).str("nonce")).packet(0xf0), v5));
  EXPECT_EQ(a.reason, reason_code::continue_authentication);
  EXPECT_EQ(a.properties.authentication_method, "SCRAM-SHA-1");
  EXPECT_EQ(a.properties.authentication_data, "nonce");
}

// MQTT 5 §3.15.2.2.2: it is a Protocol Error to omit the Authentication Method.
TEST(decode_auth, missing_authentication_method_is_protocol_error) {
  EXPECT_EQ(failure(decode_whole(hex("f0 02 18 00"), v5)), reason_code::protocol_error);
  EXPECT_EQ(failure(decode_whole(hex("f0 01 19"), v5)), reason_code::protocol_error);
}

// [MQTT-3.15.2-1]: only the Authenticate Reason Codes.
TEST(decode_auth, reason_code_outside_table_is_protocol_error_MQTT_3_15_2_1) {
  EXPECT_EQ(failure(decode_whole(body().u8(0x87).props(body().u8(0x15).str("m")).packet(0xf0), v5)),
            reason_code::protocol_error);
}

TEST(reason_codes, names_and_failure_bit) {
  EXPECT_EQ(to_string(reason_code::malformed_packet), "Malformed Packet");
  EXPECT_EQ(to_string(static_cast<reason_code>(0x03)), "unknown reason code");
  EXPECT_TRUE(is_known_reason_code(0xA2));
  EXPECT_FALSE(is_known_reason_code(0xA3));
  EXPECT_TRUE(is_failure(reason_code::unspecified_error));
  EXPECT_FALSE(is_failure(reason_code::no_matching_subscribers));
  EXPECT_EQ(make_error_code(reason_code::packet_too_large).message(), "Packet too large");
}

TEST(reason_codes, v311_connack_mapping) {
  EXPECT_EQ(to_v311_connack_code(reason_code::success), 0);
  EXPECT_EQ(to_v311_connack_code(reason_code::unsupported_protocol_version), 1);
  EXPECT_EQ(to_v311_connack_code(reason_code::client_identifier_not_valid), 2);
  EXPECT_EQ(to_v311_connack_code(reason_code::server_unavailable), 3);
  EXPECT_EQ(to_v311_connack_code(reason_code::server_busy), 3);
  EXPECT_EQ(to_v311_connack_code(reason_code::bad_user_name_or_password), 4);
  EXPECT_EQ(to_v311_connack_code(reason_code::not_authorized), 5);
  EXPECT_EQ(to_v311_connack_code(reason_code::banned), 5);
  for (std::uint8_t code = 0; code <= 5; ++code) {
    EXPECT_EQ(to_v311_connack_code(from_v311_connack_code(code).value()), code);
  }
  EXPECT_EQ(from_v311_connack_code(6), std::nullopt);
}
