#pragma once
// Packets to bytes. Encoding cannot fail on a well-formed packet; the preconditions below are
// programmer errors and throw std::logic_error (std::length_error, std::invalid_argument).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mqtt/codec/packets.hpp"

namespace mothership::mqtt {

// Appends the bytes of `p`, fixed header included, for a connection speaking `version`.
// For 3.1.1 the MQTT 5 fields are dropped: properties, Will properties, the reason codes of the
// acknowledgements, DISCONNECT and UNSUBACK; CONNACK reason codes become return codes 0-5 and
// SUBACK failures 0x80. Properties a packet cannot carry (§2.2.2.2) are left out.
// Preconditions: strings and binary fields at most 65,535 bytes; the packet at most 256 MB; a
// PUBLISH with QoS > 0 has a packet_id; no AUTH for 3.1.1. The caller also keeps the rules that
// tie fields together (e.g. a 3.1.1 password needs a username), which decode_packet checks.
void encode(const packet& p, protocol_version version, std::string& out);

// The number of bytes encode() appends, to check against the peer's Maximum Packet Size.
std::size_t encoded_size(const packet& p, protocol_version version);

// A PUBLISH described without its payload, for fan-out: the broker encodes a head per
// subscriber (packet id, QoS, topic alias and subscription identifiers differ) and sends it
// followed by the one shared payload buffer.
struct publish_header_view {
  std::string_view topic;
  mqtt::qos qos = qos::at_most_once;
  bool dup = false;
  bool retain = false;
  std::optional<std::uint16_t> packet_id;        // required when qos > 0
  const mqtt::properties* properties = nullptr;  // MQTT 5 only; nullptr for none
  std::size_t payload_size = 0;
};

// The fixed header, topic, packet id and properties of that PUBLISH: exactly the bytes
// encode() would produce before the payload.
std::string encode_publish_head(const publish_header_view& head, protocol_version version);

}  // namespace mothership::mqtt
