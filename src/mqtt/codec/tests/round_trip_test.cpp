// encode -> parse_frame -> decode_packet gives back the packet, for every type and both versions.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "samples.hpp"
#include "test_support.hpp"

using namespace mothership::mqtt;
using namespace mothership::mqtt::test;

namespace {

void expect_round_trip(const packet& p, protocol_version v) {
  const bytes encoded = encode_bytes(p, v);
  EXPECT_EQ(encoded.size(), encoded_size(p, v));
  const auto decoded = decode_whole(encoded, v);
  ASSERT_TRUE(decoded) << "type " << static_cast<int>(type_of(p)) << ": " << decoded.error().detail << "\n"
                       << to_hex(encoded);
  EXPECT_TRUE(*decoded == p) << "type " << static_cast<int>(type_of(p)) << "\n" << to_hex(encoded);
}

}  // namespace

TEST(round_trip, every_v311_sample) {
  std::set<packet_type> types;
  for (const auto& p : v311_samples()) {
    expect_round_trip(p, protocol_version::v311);
    types.insert(type_of(p));
  }
  EXPECT_EQ(types.size(), 14u);  // every type but AUTH
}

TEST(round_trip, every_v5_sample) {
  std::set<packet_type> types;
  for (const auto& p : v5_samples()) {
    expect_round_trip(p, protocol_version::v5);
    types.insert(type_of(p));
  }
  EXPECT_EQ(types.size(), 15u);
}

// Payload sizes putting the Remaining Length on each side of the 1-, 2- and 3-byte boundaries.
TEST(round_trip, publish_across_remaining_length_boundaries) {
  for (std::size_t remaining : {3u, 127u, 128u, 16'383u, 16'384u, 2'097'151u, 2'097'152u}) {
    publish p;
    p.topic = "t";
    p.payload = std::string(remaining - 3, 'x');
    const bytes encoded = encode_bytes(p, protocol_version::v311);
    const auto f = std::get<frame>(parse_frame(encoded, 1u << 30));
    EXPECT_EQ(f.remaining_length, remaining);
    EXPECT_EQ(get<publish>(decode_whole(encoded, protocol_version::v311)), p);
  }
}

// A transport reads whatever arrives: frames must come out whole from a stream cut anywhere.
TEST(round_trip, stream_read_in_small_chunks) {
  const auto samples = v5_samples();
  bytes stream;
  for (const auto& p : samples) {
    const bytes b = encode_bytes(p, protocol_version::v5);
    stream.insert(stream.end(), b.begin(), b.end());
  }
  bytes buffer;
  std::vector<packet> decoded;
  for (std::size_t pos = 0; pos < stream.size(); pos += 7) {
    buffer.insert(buffer.end(), stream.begin() + pos, stream.begin() + std::min(pos + 7, stream.size()));
    for (;;) {
      const auto r = parse_frame(buffer, 1u << 20);
      const auto* f = std::get_if<frame>(&r);
      if (!f) {
        ASSERT_TRUE(std::holds_alternative<need_more>(r));
        break;
      }
      auto p = decode_packet(f->first_byte, f->body(buffer), protocol_version::v5);
      ASSERT_TRUE(p) << p.error().detail;
      decoded.push_back(std::move(*p));
      buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(f->total_length));
    }
  }
  EXPECT_TRUE(buffer.empty());
  EXPECT_TRUE(decoded == samples);
}

// The invalid seeds of the fuzz corpus really are invalid (and so cover the refusal paths).
TEST(invalid_samples, all_refused) {
  for (const auto& bad : invalid_samples()) {
    const bytes whole = hex(bad.hex);
    for (auto v : {protocol_version::v311, protocol_version::v5}) {
      if (bad.v5_only && v == protocol_version::v311) {
        EXPECT_TRUE(decode_whole(whole, v)) << bad.name;
        continue;
      }
      const auto framed = parse_frame(whole, 1u << 20);
      if (std::holds_alternative<decode_error>(framed)) continue;
      const auto* f = std::get_if<frame>(&framed);
      ASSERT_TRUE(f && f->total_length == whole.size()) << bad.name;
      EXPECT_FALSE(decode_packet(f->first_byte, f->body(whole), v)) << bad.name;
    }
  }
}
