// Dispatch on the packet type, fixed-header flags, and the packets without a family of their own.
#include "mqtt/codec/decode.hpp"

#include <string>

#include "mqtt/codec/decode_internal.hpp"
#include "mqtt/codec/property_codec.hpp"

namespace mothership::mqtt {

namespace {

// The flags every packet but PUBLISH must carry (MQTT 5 [MQTT-2.1.3-1]; 3.1.1 [MQTT-2.2.2-1]).
std::uint8_t required_flags(packet_type t) {
  switch (t) {
    case packet_type::pubrel:
    case packet_type::subscribe:
    case packet_type::unsubscribe:
      return 0x02;
    default:
      return 0x00;
  }
}

// DISCONNECT and AUTH: Reason Code and properties may both be omitted (Remaining Length 0,
// meaning Success) and the properties alone may be omitted (Remaining Length 1).
template <class Packet>
Packet decode_reason_and_properties(detail::reader& r, packet_type t, detail::property_scope scope) {
  Packet p;
  if (!r.at_end()) {
    p.reason = detail::read_reason(r, t);
    if (!r.at_end()) detail::read_properties(r, scope, p.properties);
  }
  r.expect_end(t == packet_type::auth ? "AUTH" : "DISCONNECT");
  return p;
}

packet decode_body(detail::reader& r, packet_type t, std::uint8_t flags, protocol_version v) {
  const bool v5 = v == protocol_version::v5;
  switch (t) {
    case packet_type::connack:
      return detail::decode_connack(r, v);
    case packet_type::publish:
      return detail::decode_publish(r, flags, v);
    case packet_type::puback:
    case packet_type::pubrec:
    case packet_type::pubrel:
    case packet_type::pubcomp:
      return detail::decode_ack(r, t, v);
    case packet_type::subscribe:
      return detail::decode_subscribe(r, v);
    case packet_type::suback:
      return detail::decode_suback(r, v);
    case packet_type::unsubscribe:
      return detail::decode_unsubscribe(r, v);
    case packet_type::unsuback:
      return detail::decode_unsuback(r, v);
    case packet_type::pingreq:
      r.expect_end("PINGREQ");
      return pingreq{};
    case packet_type::pingresp:
      r.expect_end("PINGRESP");
      return pingresp{};
    case packet_type::disconnect:
      if (!v5) {
        r.expect_end("DISCONNECT");
        return disconnect{};
      }
      return decode_reason_and_properties<disconnect>(r, t, detail::property_scope::disconnect);
    case packet_type::auth: {
      auto a = decode_reason_and_properties<auth>(r, t, detail::property_scope::auth);
      // MQTT 5 §3.15.2.2.2: omitting the Authentication Method is a protocol error. The short
      // form (Success, no properties) is allowed by §3.15.2.1 and cannot carry one.
      if (!r.failed() && a != auth{} && !a.properties.authentication_method) {
        r.fail(reason_code::protocol_error, "AUTH without Authentication Method");
      }
      return a;
    }
    default:  // CONNECT and type 0 are handled by the caller
      r.fail(reason_code::malformed_packet, "unexpected packet type");
      return pingreq{};
  }
}

}  // namespace

decode_result<packet> decode_packet(std::uint8_t first_byte, std::span<const std::uint8_t> body,
                                    protocol_version version) {
  const auto type_bits = static_cast<std::uint8_t>(first_byte >> 4);
  const auto flags = static_cast<std::uint8_t>(first_byte & 0x0F);
  if (type_bits == 0) return decode_error{reason_code::malformed_packet, "reserved packet type 0"};
  if (type_bits == 15 && version == protocol_version::v311) {
    return decode_error{reason_code::malformed_packet, "AUTH is not a 3.1.1 packet"};
  }
  const auto type = static_cast<packet_type>(type_bits);
  if (type != packet_type::publish && flags != required_flags(type)) {
    return decode_error{reason_code::malformed_packet,
                        "invalid fixed header flags for packet type " + std::to_string(type_bits) + " [MQTT-2.1.3-1]"};
  }
  if (type == packet_type::connect) return decode_connect(body);

  detail::reader r(body);
  packet p = decode_body(r, type, flags, version);
  if (r.failed()) return r.error();
  return p;
}

}  // namespace mothership::mqtt
