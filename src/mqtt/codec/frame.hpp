#pragma once
// Finding packet boundaries in a byte stream (the fixed header, MQTT 5 §2.1, 3.1.1 §2.2).
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

#include "mqtt/codec/errors.hpp"
#include "mqtt/codec/packets.hpp"

namespace mothership::mqtt {

// Largest Remaining Length a Variable Byte Integer can hold (256 MB - 1).
inline constexpr std::uint32_t max_remaining_length = 268'435'455;

// A complete packet at the front of the buffer.
struct frame {
  std::uint8_t first_byte = 0;         // packet type (high nibble) and flags (low nibble)
  std::uint32_t remaining_length = 0;  // bytes after the fixed header
  std::size_t header_length = 0;       // 2..5
  std::size_t total_length = 0;        // header_length + remaining_length

  packet_type type() const { return static_cast<packet_type>(first_byte >> 4); }
  std::uint8_t flags() const { return first_byte & 0x0F; }
  // The bytes after the fixed header, for decode_packet(); `buffer` is the one given to parse_frame.
  std::span<const std::uint8_t> body(std::span<const std::uint8_t> buffer) const {
    return buffer.subspan(header_length, remaining_length);
  }
};

// The buffer holds no complete packet yet; at least `bytes` more are needed before trying again.
struct need_more {
  std::size_t bytes = 1;
};

using frame_result = std::variant<frame, need_more, decode_error>;

// Looks at the fixed header at the front of `buffer`. A Remaining Length longer than 4 bytes or
// not minimally encoded is malformed [MQTT-1.5.5-1]. A packet whose total size would exceed
// `max_packet_size` is packet_too_large, decided from the length prefix alone (even from its
// first bytes when they already imply a bigger packet), so a transport never buffers an
// oversized packet. The packet type and flags are checked by the decoder, not here.
frame_result parse_frame(std::span<const std::uint8_t> buffer, std::size_t max_packet_size);

}  // namespace mothership::mqtt
