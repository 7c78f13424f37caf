#include "mqtt/codec/packets.hpp"

#include <algorithm>
#include <initializer_list>

namespace mothership::mqtt {

// The variant lists the packets in type order, so the index is the type minus one.
static_assert(std::variant_size_v<packet> == 15);
static_assert(std::is_same_v<std::variant_alternative_t<0, packet>, connect>);
static_assert(std::is_same_v<std::variant_alternative_t<14, packet>, auth>);

packet_type type_of(const packet& p) {
  return static_cast<packet_type>(p.index() + 1);
}

bool reason_allowed(packet_type t, reason_code rc) {
  auto in = [rc](std::initializer_list<std::uint8_t> codes) {
    return std::find(codes.begin(), codes.end(), static_cast<std::uint8_t>(rc)) != codes.end();
  };
  switch (t) {
    case packet_type::connack:
      return in({0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
                 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F});
    case packet_type::puback:
    case packet_type::pubrec:
      return in({0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99});
    case packet_type::pubrel:
    case packet_type::pubcomp:
      return in({0x00, 0x92});
    case packet_type::suback:
      return in({0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2});
    case packet_type::unsuback:
      return in({0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91});
    case packet_type::disconnect:
      return in({0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94,
                 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2});
    case packet_type::auth:
      return in({0x00, 0x18, 0x19});
    default:
      return false;
  }
}

}  // namespace mothership::mqtt
