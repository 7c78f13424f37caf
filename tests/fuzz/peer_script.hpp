#pragma once
// The input of the connection fuzz target: the MQTT clients ("peers") of one run, each a shape
// byte followed by the bytes it sends, separated by peer_separator:
//
//   input = peer [separator peer] [separator peer] [separator peer]
//   peer  = shape-byte bytes...
//
// The shape byte says how the peer's transport behaves, so the fuzzer mutates it like any
// other byte:
//   bits 0-2  chunking: 0 = each read gets as much as it asks for; n = reads return 1..2^(n-1)
//             bytes (sizes from a generator seeded by the shape), so packets arrive split
//   bit  3    the next peer connects alongside this one, instead of after it
//   bit  4    at the end of its bytes the peer stays connected and silent (until every other
//             peer is done too) instead of closing the connection
//   bit  5    the peer resets the connection at the server's second write
//   bits 6-7  transport identity: 0 plain TCP, 1 a client certificate naming device "d1",
//             2 a certificate naming no device, 3 the TLS handshake fails
//
// Otherwise peer k+1 connects once peer k has sent all its bytes or lost its connection, so
// later peers resume sessions of earlier ones, or take them over while those stay connected.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mothership::fuzz {

inline constexpr std::string_view peer_separator = "~~~~";
inline constexpr std::size_t max_peers = 4;

enum class transport_identity : std::uint8_t { plain, device_certificate, unnamed_certificate, failed_handshake };

// The device a certificate names (transport_identity::device_certificate).
inline constexpr std::string_view certificate_device = "d1";

struct peer_shape {
  std::uint8_t chunking = 0;  // 0..7, see above
  bool next_alongside = false;
  bool stays_idle = false;
  bool resets = false;
  transport_identity transport = transport_identity::plain;
};

struct peer_script {
  peer_shape shape;
  std::uint8_t shape_byte = 0;  // seeds the chunk sizes
  std::span<const std::uint8_t> bytes;
};

std::vector<peer_script> split_peers(std::span<const std::uint8_t> input);

std::uint8_t shape_byte(const peer_shape& shape);

// The input for these peers: what the seed corpus generator writes. Each peer's bytes must
// not contain the separator.
std::string join_peers(const std::vector<std::pair<peer_shape, std::string>>& peers);

}  // namespace mothership::fuzz
