#include "peer_script.hpp"

#include <algorithm>
#include <stdexcept>

namespace mothership::fuzz {

namespace {

peer_shape shape_of(std::uint8_t b) {
  return {static_cast<std::uint8_t>(b & 0x07), (b & 0x08) != 0, (b & 0x10) != 0, (b & 0x20) != 0,
          static_cast<transport_identity>(b >> 6)};
}

}  // namespace

std::vector<peer_script> split_peers(std::span<const std::uint8_t> input) {
  std::vector<peer_script> peers;
  const auto* sep = reinterpret_cast<const std::uint8_t*>(peer_separator.data());
  while (!input.empty()) {
    auto end = input.end();
    if (peers.size() + 1 < max_peers) end = std::search(input.begin(), input.end(), sep, sep + peer_separator.size());
    auto piece = input.first(static_cast<std::size_t>(end - input.begin()));
    if (!piece.empty()) peers.push_back({shape_of(piece[0]), piece[0], piece.subspan(1)});
    if (end == input.end()) break;
    input = input.subspan(piece.size() + peer_separator.size());
  }
  return peers;
}

std::uint8_t shape_byte(const peer_shape& shape) {
  return static_cast<std::uint8_t>((shape.chunking & 0x07) | (shape.next_alongside ? 0x08 : 0) |
                                   (shape.stays_idle ? 0x10 : 0) | (shape.resets ? 0x20 : 0) |
                                   (static_cast<std::uint8_t>(shape.transport) << 6));
}

std::string join_peers(const std::vector<std::pair<peer_shape, std::string>>& peers) {
  std::string input;
  for (const auto& [shape, bytes] : peers) {
    if (bytes.find(peer_separator) != std::string::npos) throw std::invalid_argument("peer bytes hold the separator");
    if (!input.empty()) input += peer_separator;
    input += static_cast<char>(shape_byte(shape));
    input += bytes;
  }
  return input;
}

}  // namespace mothership::fuzz
