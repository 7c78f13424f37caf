#pragma once
// Internal to the codec: the MQTT data representations (§1.5) read from and written to bytes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "mqtt/codec/errors.hpp"

namespace mothership::mqtt::detail {

inline constexpr std::uint32_t max_variable_byte_integer = 268'435'455;
inline constexpr std::size_t max_string_length = 65'535;

// Bytes used by `value` as a Variable Byte Integer (1..4).
std::size_t variable_byte_integer_size(std::uint32_t value);

// Reads a packet body front to back. The first failure is kept and every later read returns a
// default value and leaves the reader empty, so decoders can read a whole structure and check
// once; validation failures reported through fail() after a read error do not mask it.
class reader {
 public:
  explicit reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  bool failed() const { return error_.has_value(); }
  std::size_t remaining() const { return failed() ? 0 : bytes_.size() - pos_; }
  bool at_end() const { return remaining() == 0; }

  std::uint8_t u8();
  std::uint16_t u16();
  std::uint32_t u32();
  std::uint32_t variable_byte_integer();  // at most 4 bytes, minimally encoded [MQTT-1.5.5-1]
  std::string utf8_string();              // well formed per §1.5.4, else malformed
  std::string binary();                   // 2-byte length + bytes
  std::string rest();                     // everything left (the PUBLISH payload)
  reader take(std::size_t n);             // the next n bytes as their own reader

  // Records the error unless one is already recorded.
  void fail(reason_code reason, std::string detail);
  // Adopts the error of a reader obtained from take().
  void merge(const reader& inner);
  // Malformed if bytes are left over: a field list ended before the remaining length did.
  void expect_end(std::string_view what);
  decode_error error() const { return error_.value_or(decode_error{}); }

 private:
  bool need(std::size_t n);

  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
  std::optional<decode_error> error_;
};

// Appends MQTT data representations to a string, or only counts them when built without one, so
// one function computes both a packet's length and its bytes.
class writer {
 public:
  writer() = default;
  explicit writer(std::string& out) : out_(&out) {}

  std::size_t size() const { return size_; }

  void u8(std::uint8_t v);
  void u16(std::uint16_t v);
  void u32(std::uint32_t v);
  void variable_byte_integer(std::uint32_t v);  // throws std::length_error above 268,435,455
  void string(std::string_view s);              // 2-byte length prefix; throws std::length_error above 65,535
  void raw(std::string_view bytes);

 private:
  std::string* out_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace mothership::mqtt::detail
