#pragma once
// Helpers for the codec tests: building packet bytes by field, and framing + decoding them.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "mqtt/codec/decode.hpp"
#include "mqtt/codec/encode.hpp"
#include "mqtt/codec/frame.hpp"

namespace mothership::mqtt::test {

constexpr auto v311 = protocol_version::v311;
constexpr auto v5 = protocol_version::v5;

using bytes = std::vector<std::uint8_t>;

// "10 0c 00 04" -> {0x10, 0x0c, 0x00, 0x04}; spaces are ignored.
inline bytes hex(std::string_view text) {
  bytes out;
  int high = -1;
  for (char c : text) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) continue;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  return out;
}

inline std::string to_hex(const bytes& b) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i) s.push_back(' ');
    s.push_back(digits[b[i] >> 4]);
    s.push_back(digits[b[i] & 0xF]);
  }
  return s;
}

inline bytes as_bytes(std::string_view s) {
  return bytes(s.begin(), s.end());
}

// Builds a packet body field by field; packet(first_byte) prefixes the fixed header with the
// correct Remaining Length, so validation tests only spell out what they are about.
class body {
 public:
  body& u8(std::uint8_t v) {
    b_.push_back(v);
    return *this;
  }
  body& u16(std::uint16_t v) { return u8(static_cast<std::uint8_t>(v >> 8)).u8(static_cast<std::uint8_t>(v)); }
  body& u32(std::uint32_t v) { return u16(static_cast<std::uint16_t>(v >> 16)).u16(static_cast<std::uint16_t>(v)); }
  body& str(std::string_view s) {
    u16(static_cast<std::uint16_t>(s.size()));
    return raw(s);
  }
  body& raw(std::string_view s) {
    b_.insert(b_.end(), s.begin(), s.end());
    return *this;
  }
  body& hex(std::string_view h) {
    const auto v = test::hex(h);
    b_.insert(b_.end(), v.begin(), v.end());
    return *this;
  }
  // A property list: Property Length (one byte here, so < 128) and the given properties.
  body& props(const body& list) {
    u8(static_cast<std::uint8_t>(list.b_.size()));
    b_.insert(b_.end(), list.b_.begin(), list.b_.end());
    return *this;
  }
  body& no_props() { return u8(0); }

  const bytes& get() const { return b_; }

  bytes packet(std::uint8_t first_byte) const {
    bytes out{first_byte};
    std::size_t n = b_.size();
    do {
      std::uint8_t d = n % 128;
      n /= 128;
      if (n) d |= 0x80;
      out.push_back(d);
    } while (n);
    out.insert(out.end(), b_.begin(), b_.end());
    return out;
  }

 private:
  bytes b_;
};

// Frames `whole` (which must hold exactly one packet) and decodes it.
inline decode_result<packet> decode_whole(const bytes& whole, protocol_version v) {
  const auto framed = parse_frame(whole, 1u << 30);
  if (const auto* err = std::get_if<decode_error>(&framed)) return *err;
  const auto* f = std::get_if<frame>(&framed);
  if (f == nullptr || f->total_length != whole.size()) {
    ADD_FAILURE() << "test bytes are not exactly one packet: " << to_hex(whole);
    return decode_error{reason_code::unspecified_error, "test bytes are not one packet"};
  }
  return decode_packet(f->first_byte, f->body(whole), v);
}

inline bytes encode_bytes(const packet& p, protocol_version v) {
  std::string out;
  encode(p, v, out);
  return as_bytes(out);
}

// The reason a decode failed with, or success if it did not fail.
inline reason_code failure(const decode_result<packet>& r) {
  return r ? reason_code::success : r.error().reason;
}

// The decoded packet as a T (a copy: results are usually temporaries), or T{} after a failure.
template <class T>
T get(const decode_result<packet>& r) {
  if (!r) {
    ADD_FAILURE() << "decode failed: " << r.error().detail;
    return T{};
  }
  if (!std::holds_alternative<T>(*r)) {
    ADD_FAILURE() << "decoded another packet type";
    return T{};
  }
  return std::get<T>(*r);
}

}  // namespace mothership::mqtt::test

namespace mothership::mqtt {
// Lets gtest print reason codes by name in failures.
inline void PrintTo(reason_code rc, std::ostream* os) {
  *os << to_string(rc) << " (0x" << std::hex << static_cast<int>(rc) << std::dec << ")";
}
}  // namespace mothership::mqtt
