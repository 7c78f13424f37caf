// Fuzzes the MQTT codec with arbitrary byte streams: framing, decoding in both protocol
// versions, and the round trip of whatever decodes (encode, then decode again: the same
// packet). Any crash, sanitizer report or round-trip mismatch is a finding.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "mqtt/codec/decode.hpp"
#include "mqtt/codec/encode.hpp"
#include "mqtt/codec/frame.hpp"

using namespace mothership::mqtt;

namespace {

void round_trip(const packet& p, protocol_version version) {
  std::string bytes;
  encode(p, version, bytes);
  std::span<const std::uint8_t> data(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  auto framed = parse_frame(data, 1u << 28);
  const frame* f = std::get_if<frame>(&framed);
  if (!f || f->total_length != bytes.size()) std::abort();  // our own encoding must frame exactly
  auto again = decode_packet(f->first_byte, f->body(data), version);
  if (!again || !(*again == p)) std::abort();  // what we decode and re-encode must decode the same
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> rest(data, size);
  // Read packets one after another, as a connection does, until the input runs out or breaks.
  while (!rest.empty()) {
    auto framed = parse_frame(rest, 1 << 20);
    const frame* f = std::get_if<frame>(&framed);
    if (!f) break;
    auto body = f->body(rest);
    for (protocol_version v : {protocol_version::v311, protocol_version::v5}) {
      auto decoded = decode_packet(f->first_byte, body, v);
      if (!decoded) continue;
      // A CONNECT is re-encoded in the version it asked for.
      protocol_version encode_as = v;
      if (auto* c = std::get_if<connect>(&*decoded)) encode_as = c->version;
      round_trip(*decoded, encode_as);
    }
    (void)connect_protocol_version(body);
    rest = rest.subspan(f->total_length);
  }
  return 0;
}
