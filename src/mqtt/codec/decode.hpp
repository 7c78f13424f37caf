#pragma once
// Bytes to packets. Every function validates the packet against the normative statements of the
// spec that can be checked from the packet alone; rules that need connection state (topic alias
// mappings, maximum QoS granted, which side may send what) are the session's.
#include <cstdint>
#include <optional>
#include <span>

#include "mqtt/codec/errors.hpp"
#include "mqtt/codec/packets.hpp"

namespace mothership::mqtt {

// The body (after the fixed header) of a CONNECT, in either version: the version comes from the
// protocol name and level ("MQTT" level 4 is 3.1.1, level 5 is 5.0); anything else, including the
// MQTT 3.1 "MQIsdp"/3, is unsupported_protocol_version. The caller has checked that the first byte
// is exactly 0x10 (decode_packet does).
decode_result<connect> decode_connect(std::span<const std::uint8_t> body);

// The version a CONNECT body asks for, when its protocol name and level say it even though the
// rest is bad: tells the server whether to answer a failed decode_connect with a 3.1.1 or a 5.0
// CONNACK (or none).
std::optional<protocol_version> connect_protocol_version(std::span<const std::uint8_t> body);

// Any packet, given its first byte and body (see frame), on a connection speaking `version`.
// A CONNECT is decoded as by decode_connect (its own version wins). AUTH on a 3.1.1 connection
// and the reserved type 0 are malformed.
decode_result<packet> decode_packet(std::uint8_t first_byte, std::span<const std::uint8_t> body,
                                    protocol_version version);

}  // namespace mothership::mqtt
