#include "mqtt/codec/frame.hpp"

#include <limits>

#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace mothership::mqtt;
using mothership::mqtt::test::bytes;
using mothership::mqtt::test::hex;

namespace {

constexpr std::size_t unlimited = std::numeric_limits<std::size_t>::max();

const frame& as_frame(const frame_result& r) {
  static const frame none{};
  if (const auto* f = std::get_if<frame>(&r)) return *f;
  ADD_FAILURE() << "not a frame";
  return none;
}

std::size_t needed(const frame_result& r) {
  if (const auto* n = std::get_if<need_more>(&r)) return n->bytes;
  ADD_FAILURE() << "not need_more";
  return 0;
}

reason_code error_of(const frame_result& r) {
  if (const auto* e = std::get_if<decode_error>(&r)) return e->reason;
  ADD_FAILURE() << "not an error";
  return reason_code::success;
}

}  // namespace

TEST(parse_frame, needs_two_bytes_to_start) {
  EXPECT_EQ(needed(parse_frame(bytes{}, unlimited)), 2u);
  EXPECT_EQ(needed(parse_frame(hex("c0"), unlimited)), 2u - 1u);
}

TEST(parse_frame, complete_packet_and_its_body) {
  const bytes buffer = hex("30 05 00 01 61 68 69  c0 00");  // PUBLISH "a" "hi", then a PINGREQ
  const frame f = as_frame(parse_frame(buffer, unlimited));
  EXPECT_EQ(f.type(), packet_type::publish);
  EXPECT_EQ(f.flags(), 0);
  EXPECT_EQ(f.remaining_length, 5u);
  EXPECT_EQ(f.header_length, 2u);
  EXPECT_EQ(f.total_length, 7u);
  const auto body = f.body(buffer);
  EXPECT_EQ(bytes(body.begin(), body.end()), hex("00 01 61 68 69"));
}

TEST(parse_frame, incomplete_body_says_how_much_is_missing) {
  EXPECT_EQ(needed(parse_frame(hex("30 05 00 01"), unlimited)), 3u);
}

TEST(parse_frame, incomplete_length_asks_for_one_more_byte) {
  EXPECT_EQ(needed(parse_frame(hex("30 80"), unlimited)), 1u);
  EXPECT_EQ(needed(parse_frame(hex("30 ff ff ff"), unlimited)), 1u);
}

// MQTT 5 §1.5.5 / 3.1.1 §2.2.3: the boundary values of the Remaining Length encoding.
TEST(parse_frame, remaining_length_boundaries) {
  struct row {
    std::uint32_t value;
    const char* encoding;
  };
  const row rows[] = {{0, "00"},
                      {127, "7f"},
                      {128, "80 01"},
                      {16'383, "ff 7f"},
                      {16'384, "80 80 01"},
                      {2'097'151, "ff ff 7f"},
                      {2'097'152, "80 80 80 01"},
                      {268'435'455, "ff ff ff 7f"}};
  for (const auto& r : rows) {
    bytes header = hex("30");
    const bytes length = hex(r.encoding);
    header.insert(header.end(), length.begin(), length.end());
    const auto result = parse_frame(header, unlimited);
    if (r.value == 0) {
      const frame f = as_frame(result);
      EXPECT_EQ(f.remaining_length, 0u);
      EXPECT_EQ(f.header_length, 2u);
      continue;
    }
    // Only the header is there: the missing byte count is the remaining length itself.
    EXPECT_EQ(needed(result), r.value) << r.encoding;
  }
}

// [MQTT-1.5.5-1] (stated for 5.0, applied to both): the minimum number of bytes.
TEST(parse_frame, non_minimal_remaining_length_is_malformed_MQTT_1_5_5_1) {
  EXPECT_EQ(error_of(parse_frame(hex("c0 80 00"), unlimited)), reason_code::malformed_packet);
  EXPECT_EQ(error_of(parse_frame(hex("c0 ff 80 00"), unlimited)), reason_code::malformed_packet);
  EXPECT_EQ(error_of(parse_frame(hex("c0 80 80 80 00"), unlimited)), reason_code::malformed_packet);
}

TEST(parse_frame, remaining_length_of_five_bytes_is_malformed) {
  EXPECT_EQ(error_of(parse_frame(hex("30 80 80 80 80 01"), unlimited)), reason_code::malformed_packet);
  EXPECT_EQ(error_of(parse_frame(hex("30 ff ff ff ff 7f"), unlimited)), reason_code::malformed_packet);
}

// The transport must never buffer a 256 MB packet: the five header bytes decide.
TEST(parse_frame, packet_of_256_mb_rejected_from_its_header_alone) {
  const bytes header = hex("30 ff ff ff 7f");
  EXPECT_EQ(error_of(parse_frame(header, 1u << 20)), reason_code::packet_too_large);
}

TEST(parse_frame, oversized_packet_rejected_before_its_length_is_complete) {
  // Three continuation bytes already mean at least 2,097,152 bytes of body.
  EXPECT_EQ(error_of(parse_frame(hex("30 80 80 80"), 1u << 20)), reason_code::packet_too_large);
  // Two mean at least 16,384: still fine under 1 MB, so wait for more.
  EXPECT_EQ(needed(parse_frame(hex("30 80 80"), 1u << 20)), 1u);
}

TEST(parse_frame, maximum_packet_size_counts_the_whole_packet) {
  const bytes packet = hex("30 05 00 01 61 68 69");
  EXPECT_NO_THROW(as_frame(parse_frame(packet, 7)));
  EXPECT_EQ(error_of(parse_frame(packet, 6)), reason_code::packet_too_large);
  // Decided as soon as the length is known, before the body arrives.
  EXPECT_EQ(error_of(parse_frame(hex("30 05"), 6)), reason_code::packet_too_large);
}
