// Byte-exact encoding against hand-written vectors.
#include <stdexcept>

#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace mothership::mqtt;
using namespace mothership::mqtt::test;

TEST(encode, v311_connect) {
  connect c;
  c.clean_start = true;
  c.keep_alive = 60;
  c.client_id = "abc";
  EXPECT_EQ(to_hex(encode_bytes(c, v311)), to_hex(hex("10 0f 00 04 4d 51 54 54 04 02 00 3c 00 03 61 62 63")));
}

TEST(encode, v5_connect_with_properties_will_and_credentials) {
  connect c;
  c.keep_alive = 10;
  c.client_id = "dev1";
  c.properties.session_expiry_interval = 10;
  c.will = will_message{"w", "bye", qos::at_least_once, false, {}};
  c.will->properties.will_delay_interval = 5;
  c.will->properties.payload_format_indicator = 1;
  c.username = "u";
  c.password = std::string("p\0", 2);
  // Properties come out in identifier order: Payload Format Indicator (01) before Will Delay (18).
  EXPECT_EQ(to_hex(encode_bytes(c, v5)), to_hex(hex("10 2d  00 04 4d 51 54 54  05  ce  00 0a"
                                                    "  05 11 00 00 00 0a  00 04 64 65 76 31"
                                                    "  07 01 01 18 00 00 00 05  00 01 77  00 03 62 79 65"
                                                    "  00 01 75  00 02 70 00")));
}

TEST(encode, v311_connect_drops_v5_fields) {
  connect c;
  c.client_id = "a";
  c.properties.session_expiry_interval = 10;
  c.will = will_message{"w", "", qos::at_most_once, true, {}};
  c.will->properties.will_delay_interval = 5;
  EXPECT_EQ(to_hex(encode_bytes(c, v311)), to_hex(hex("10 12 00 04 4d 51 54 54 04 26 00 00 00 01 61 00 01 77 00 00")));
}

TEST(encode, connack) {
  EXPECT_EQ(encode_bytes(connack{true, reason_code::success, {}}, v311), hex("20 02 01 00"));
  EXPECT_EQ(encode_bytes(connack{false, reason_code::not_authorized, {}}, v311), hex("20 02 00 05"));
  // A v5-only refusal becomes "server unavailable" for 3.1.1.
  EXPECT_EQ(encode_bytes(connack{false, reason_code::quota_exceeded, {}}, v311), hex("20 02 00 03"));
  EXPECT_EQ(encode_bytes(connack{false, reason_code::success, {}}, v5), hex("20 03 00 00 00"));
  EXPECT_EQ(encode_bytes(connack{false, reason_code::bad_authentication_method, {}}, v5), hex("20 03 00 8c 00"));
}

TEST(encode, publish) {
  publish p;
  p.qos = qos::at_least_once;
  p.retain = true;
  p.topic = "a/b";
  p.packet_id = 10;
  p.payload = "hi!";
  EXPECT_EQ(encode_bytes(p, v311), hex("33 0a 00 03 61 2f 62 00 0a 68 69 21"));
  EXPECT_EQ(encode_bytes(p, v5), hex("33 0b 00 03 61 2f 62 00 0a 00 68 69 21"));
  p.properties.message_expiry_interval = 60;
  EXPECT_EQ(encode_bytes(p, v5), hex("33 10 00 03 61 2f 62 00 0a 05 02 00 00 00 3c 68 69 21"));
  p.dup = true;
  p.qos = qos::exactly_once;
  EXPECT_EQ(encode_bytes(p, v311)[0], 0x3d);
}

// MQTT 5 §3.4.2.1: Success without properties is sent as the two-byte 3.1.1 form.
TEST(encode, acknowledgements_use_the_short_forms) {
  EXPECT_EQ(encode_bytes(puback{1, reason_code::success, {}}, v5), hex("40 02 00 01"));
  EXPECT_EQ(encode_bytes(puback{1, reason_code::no_matching_subscribers, {}}, v5), hex("40 03 00 01 10"));
  properties reason;
  reason.reason_string = "x";
  EXPECT_EQ(encode_bytes(pubrec{1, reason_code::success, reason}, v5), hex("50 08 00 01 00 04 1f 00 01 78"));
  EXPECT_EQ(encode_bytes(pubrel{1, reason_code::packet_identifier_not_found, {}}, v5), hex("62 03 00 01 92"));
  EXPECT_EQ(encode_bytes(pubcomp{1, reason_code::packet_identifier_not_found, reason}, v311), hex("70 02 00 01"));
  EXPECT_EQ(encode_bytes(pubrel{0x1234, reason_code::success, {}}, v311), hex("62 02 12 34"));
}

TEST(encode, subscribe_and_suback) {
  subscribe s{0x05be, {}, {subscribe_entry{"demo", qos::exactly_once}}};
  EXPECT_EQ(encode_bytes(s, v5), hex("82 0a 05 be 00 00 04 64 65 6d 6f 02"));
  EXPECT_EQ(encode_bytes(s, v311), hex("82 09 05 be 00 04 64 65 6d 6f 02"));
  s.entries[0] = subscribe_entry{"d", qos::at_least_once, true, true, retain_handling::do_not_send};
  EXPECT_EQ(encode_bytes(s, v5), hex("82 07 05 be 00 00 01 64 2d"));
  EXPECT_EQ(encode_bytes(s, v311), hex("82 06 05 be 00 01 64 01"));  // v5 options dropped

  suback a{0x05be, {}, {reason_code::granted_qos_2, reason_code::not_authorized, reason_code::granted_qos_0}};
  EXPECT_EQ(encode_bytes(a, v5), hex("90 06 05 be 00 02 87 00"));
  EXPECT_EQ(encode_bytes(a, v311), hex("90 05 05 be 02 80 00"));  // failures are 0x80 in 3.1.1
}

TEST(encode, unsubscribe_and_unsuback) {
  unsubscribe u{7, {}, {"a/#", "b"}};
  EXPECT_EQ(encode_bytes(u, v311), hex("a2 0a 00 07 00 03 61 2f 23 00 01 62"));
  EXPECT_EQ(encode_bytes(u, v5), hex("a2 0b 00 07 00 00 03 61 2f 23 00 01 62"));
  unsuback a{7, {}, {reason_code::success, reason_code::no_subscription_existed}};
  EXPECT_EQ(encode_bytes(a, v311), hex("b0 02 00 07"));
  EXPECT_EQ(encode_bytes(a, v5), hex("b0 05 00 07 00 00 11"));
}

TEST(encode, ping_disconnect_auth) {
  EXPECT_EQ(encode_bytes(pingreq{}, v311), hex("c0 00"));
  EXPECT_EQ(encode_bytes(pingresp{}, v5), hex("d0 00"));
  EXPECT_EQ(encode_bytes(disconnect{}, v311), hex("e0 00"));
  EXPECT_EQ(encode_bytes(disconnect{reason_code::disconnect_with_will_message, {}}, v311), hex("e0 00"));
  EXPECT_EQ(encode_bytes(disconnect{}, v5), hex("e0 00"));
  EXPECT_EQ(encode_bytes(disconnect{reason_code::session_taken_over, {}}, v5), hex("e0 01 8e"));
  EXPECT_EQ(encode_bytes(auth{}, v5), hex("f0 00"));
  properties m;
  m.authentication_method = "m";
  EXPECT_EQ(encode_bytes(auth{reason_code::continue_authentication, m}, v5), hex("f0 06 18 04 15 00 01 6d"));
  std::string out;
  EXPECT_THROW(encode(auth{}, v311, out), std::invalid_argument);
}

TEST(encode, appends_to_the_output) {
  std::string out = "x";
  encode(pingreq{}, v5, out);
  encode(pingresp{}, v5, out);
  EXPECT_EQ(out, std::string("x\xc0\x00\xd0\x00", 5));
}

TEST(encode, encoded_size_matches) {
  publish p;
  p.topic = "t";
  p.payload = std::string(200, 'x');
  p.properties.user_properties = {{"a", "b"}};
  for (auto v : {v311, v5}) {
    EXPECT_EQ(encoded_size(p, v), encode_bytes(p, v).size());
  }
  EXPECT_EQ(encoded_size(pingreq{}, v5), 2u);
}

TEST(encode, preconditions_throw) {
  std::string out;
  publish p;
  p.topic = std::string(65'536, 'a');
  EXPECT_THROW(encode(p, v311, out), std::length_error);
  p.topic = "a";
  p.qos = qos::at_least_once;  // without a packet id
  EXPECT_THROW(encode(p, v311, out), std::invalid_argument);
  EXPECT_TRUE(out.empty());
}

TEST(encode_publish_head, head_plus_payload_equals_encode) {
  publish p;
  p.qos = qos::exactly_once;
  p.retain = true;
  p.topic = "devices/42/telemetry";
  p.packet_id = 99;
  p.properties.subscription_identifiers = {7};
  p.properties.content_type = "application/json";
  p.payload = std::string(300, 'p');
  for (auto v : {v311, v5}) {
    const std::string head =
        encode_publish_head({p.topic, p.qos, p.dup, p.retain, p.packet_id, &p.properties, p.payload.size()}, v);
    EXPECT_EQ(as_bytes(head + p.payload), encode_bytes(p, v));
  }
}

// The Remaining Length boundaries (§1.5.5 table) as the encoder writes them, without
// allocating the payloads: the head of a PUBLISH to "t" is 3 bytes of body plus the payload.
TEST(encode_publish_head, remaining_length_boundaries) {
  struct row {
    std::size_t remaining_length;
    const char* header;
  };
  const row rows[] = {{3, "30 03"},
                      {127, "30 7f"},
                      {128, "30 80 01"},
                      {16'383, "30 ff 7f"},
                      {16'384, "30 80 80 01"},
                      {2'097'151, "30 ff ff 7f"},
                      {2'097'152, "30 80 80 80 01"},
                      {268'435'455, "30 ff ff ff 7f"}};
  for (const auto& r : rows) {
    const std::string head =
        encode_publish_head({"t", qos::at_most_once, false, false, {}, nullptr, r.remaining_length - 3}, v311);
    bytes expected = hex(r.header);
    const bytes topic = hex("00 01 74");
    expected.insert(expected.end(), topic.begin(), topic.end());
    EXPECT_EQ(to_hex(as_bytes(head)), to_hex(expected)) << r.remaining_length;
  }
  EXPECT_THROW(encode_publish_head({"t", qos::at_most_once, false, false, {}, nullptr, 268'435'453}, v311),
               std::length_error);
}

TEST(encode_publish_head, zero_remaining_length_packets) {
  EXPECT_EQ(encode_bytes(pingreq{}, v311), hex("c0 00"));  // Remaining Length 0 is the one-byte "00"
}
