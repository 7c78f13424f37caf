#include "mqtt/codec/wire.hpp"

#include <stdexcept>

#include "mqtt/codec/utf8.hpp"

namespace mothership::mqtt::detail {

std::size_t variable_byte_integer_size(std::uint32_t value) {
  if (value < 128) return 1;
  if (value < 16'384) return 2;
  if (value < 2'097'152) return 3;
  return 4;
}

bool reader::need(std::size_t n) {
  if (failed()) return false;
  if (bytes_.size() - pos_ < n) {
    fail(reason_code::malformed_packet, "packet ends inside a field");
    return false;
  }
  return true;
}

std::uint8_t reader::u8() {
  if (!need(1)) return 0;
  return bytes_[pos_++];
}

std::uint16_t reader::u16() {
  if (!need(2)) return 0;
  const auto v = static_cast<std::uint16_t>((bytes_[pos_] << 8) | bytes_[pos_ + 1]);
  pos_ += 2;
  return v;
}

std::uint32_t reader::u32() {
  if (!need(4)) return 0;
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | bytes_[pos_ + i];
  pos_ += 4;
  return v;
}

std::uint32_t reader::variable_byte_integer() {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    if (!need(1)) return 0;
    const std::uint8_t b = bytes_[pos_++];
    value |= static_cast<std::uint32_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) {
      // A zero final byte after a continuation adds nothing: the value fits in fewer bytes.
      if (i > 0 && b == 0) {
        fail(reason_code::malformed_packet, "variable byte integer not minimally encoded");
        return 0;
      }
      return value;
    }
  }
  fail(reason_code::malformed_packet, "variable byte integer longer than 4 bytes");
  return 0;
}

std::string reader::binary() {
  const std::uint16_t n = u16();
  if (!need(n)) return {};
  std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
  pos_ += n;
  return s;
}

std::string reader::utf8_string() {
  std::string s = binary();
  if (!failed() && !valid_mqtt_string(s)) {
    fail(reason_code::malformed_packet, "ill-formed UTF-8 string");
    return {};
  }
  return s;
}

std::string reader::rest() {
  if (failed()) return {};
  std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), bytes_.size() - pos_);
  pos_ = bytes_.size();
  return s;
}

reader reader::take(std::size_t n) {
  if (!need(n)) return reader({});
  reader inner(bytes_.subspan(pos_, n));
  pos_ += n;
  return inner;
}

void reader::fail(reason_code reason, std::string detail) {
  if (!error_) error_ = decode_error{reason, std::move(detail)};
}

void reader::merge(const reader& inner) {
  if (inner.error_) fail(inner.error_->reason, inner.error_->detail);
}

void reader::expect_end(std::string_view what) {
  if (remaining() > 0) fail(reason_code::malformed_packet, "unexpected bytes after " + std::string(what));
}

void writer::u8(std::uint8_t v) {
  if (out_) out_->push_back(static_cast<char>(v));
  size_ += 1;
}

void writer::u16(std::uint16_t v) {
  u8(static_cast<std::uint8_t>(v >> 8));
  u8(static_cast<std::uint8_t>(v));
}

void writer::u32(std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) u8(static_cast<std::uint8_t>(v >> shift));
}

void writer::variable_byte_integer(std::uint32_t v) {
  if (v > max_variable_byte_integer) throw std::length_error("MQTT variable byte integer out of range");
  do {
    std::uint8_t b = v & 0x7F;
    v >>= 7;
    if (v > 0) b |= 0x80;
    u8(b);
  } while (v > 0);
}

void writer::string(std::string_view s) {
  if (s.size() > max_string_length) throw std::length_error("MQTT string longer than 65535 bytes");
  u16(static_cast<std::uint16_t>(s.size()));
  raw(s);
}

void writer::raw(std::string_view bytes) {
  if (out_) out_->append(bytes);
  size_ += bytes.size();
}

}  // namespace mothership::mqtt::detail
