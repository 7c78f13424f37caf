#pragma once
// Internal to the codec: one decoder per packet family, sharing a reader that keeps the first error.
#include <cstdint>

#include "mqtt/codec/packets.hpp"
#include "mqtt/codec/wire.hpp"

namespace mothership::mqtt::detail {

// Each reads the whole body from `r` (which must then be at its end) and reports problems
// through r.fail(); the returned packet is meaningful only if r has not failed.
connack decode_connack(reader& r, protocol_version v);
publish decode_publish(reader& r, std::uint8_t flags, protocol_version v);
packet decode_ack(reader& r, packet_type t, protocol_version v);  // PUBACK, PUBREC, PUBREL, PUBCOMP
subscribe decode_subscribe(reader& r, protocol_version v);
suback decode_suback(reader& r, protocol_version v);
unsubscribe decode_unsubscribe(reader& r, protocol_version v);
unsuback decode_unsuback(reader& r, protocol_version v);

// A Packet Identifier that must be non-zero [MQTT-2.2.1-3] (3.1.1: [MQTT-2.3.1-1]).
std::uint16_t read_packet_id(reader& r);
// A reason code byte that must be one of the codes of packet type `t`.
reason_code read_reason(reader& r, packet_type t);

}  // namespace mothership::mqtt::detail
