#include "mqtt/codec/frame.hpp"

#include <string>

namespace mothership::mqtt {

namespace {

decode_error too_large(std::size_t at_least, std::size_t max_packet_size) {
  return decode_error{reason_code::packet_too_large, "packet of at least " + std::to_string(at_least) +
                                                         " bytes exceeds the maximum of " +
                                                         std::to_string(max_packet_size)};
}

}  // namespace

frame_result parse_frame(std::span<const std::uint8_t> buffer, std::size_t max_packet_size) {
  if (buffer.size() < 2) return need_more{2 - buffer.size()};
  std::uint32_t value = 0;
  std::uint32_t multiplier = 1;
  for (std::size_t i = 0; i < 4; ++i) {
    const std::size_t pos = 1 + i;
    if (pos >= buffer.size()) {
      // Seen so far: `value` plus at least one more 128^i from the continuation bit.
      const std::size_t at_least = pos + 1 + value + multiplier;
      if (at_least > max_packet_size) return too_large(at_least, max_packet_size);
      return need_more{1};
    }
    const std::uint8_t b = buffer[pos];
    value += static_cast<std::uint32_t>(b & 0x7F) * multiplier;
    if ((b & 0x80) == 0) {
      if (i > 0 && b == 0) {
        return decode_error{reason_code::malformed_packet, "remaining length not minimally encoded"};
      }
      frame f;
      f.first_byte = buffer[0];
      f.remaining_length = value;
      f.header_length = pos + 1;
      f.total_length = f.header_length + value;
      if (f.total_length > max_packet_size) return too_large(f.total_length, max_packet_size);
      if (buffer.size() < f.total_length) return need_more{f.total_length - buffer.size()};
      return f;
    }
    multiplier *= 128;
  }
  return decode_error{reason_code::malformed_packet, "remaining length longer than 4 bytes"};
}

}  // namespace mothership::mqtt
