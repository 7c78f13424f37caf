// PUBLISH and its acknowledgements (MQTT 5 §3.3-§3.7; 3.1.1 §3.3-§3.7).
#include <string>

#include "mqtt/codec/decode_internal.hpp"
#include "mqtt/codec/property_codec.hpp"

namespace mothership::mqtt::detail {

std::uint16_t read_packet_id(reader& r) {
  const std::uint16_t id = r.u16();
  if (!r.failed() && id == 0) r.fail(reason_code::protocol_error, "Packet Identifier 0 [MQTT-2.2.1-3 / MQTT-2.3.1-1]");
  return id;
}

reason_code read_reason(reader& r, packet_type t) {
  const std::uint8_t code = r.u8();
  const auto rc = static_cast<reason_code>(code);
  if (!r.failed() && !reason_allowed(t, rc)) {
    r.fail(reason_code::protocol_error, "reason code " + std::to_string(code) + " not allowed in this packet");
  }
  return rc;
}

publish decode_publish(reader& r, std::uint8_t flags, protocol_version v) {
  publish p;
  p.dup = (flags & 0x08) != 0;
  const auto q = static_cast<std::uint8_t>((flags >> 1) & 0x03);
  p.retain = (flags & 0x01) != 0;
  if (q == 3) r.fail(reason_code::malformed_packet, "PUBLISH with QoS 3 [MQTT-3.3.1-4]");
  if (q == 0 && p.dup) r.fail(reason_code::malformed_packet, "DUP set on a QoS 0 PUBLISH [MQTT-3.3.1-2]");
  p.qos = static_cast<qos>(q);
  p.topic = r.utf8_string();
  if (q > 0) p.packet_id = read_packet_id(r);
  if (v == protocol_version::v5) read_properties(r, property_scope::publish, p.properties);
  if (r.failed()) return p;  // spare the payload copy

  if (p.topic.empty()) {
    // MQTT 5 §3.3.2.1: an empty name is allowed only with a Topic Alias standing for it.
    // 3.1.1 has no aliases and requires a non-empty name [MQTT-4.7.3-1].
    if (v == protocol_version::v311) {
      r.fail(reason_code::topic_name_invalid, "empty Topic Name [MQTT-4.7.3-1]");
    } else if (!p.properties.topic_alias) {
      r.fail(reason_code::protocol_error, "empty Topic Name without Topic Alias");
    }
  } else if (p.topic.find_first_of("+#") != std::string::npos) {  // UTF-8 already checked by the reader
    r.fail(reason_code::topic_name_invalid, "wildcard in Topic Name [MQTT-3.3.2-2]");
  }
  if (r.failed()) return p;
  p.payload = r.rest();
  return p;
}

namespace {

template <class Ack>
Ack decode_ack_as(reader& r, packet_type t, property_scope scope, protocol_version v) {
  Ack a;
  a.packet_id = read_packet_id(r);
  // MQTT 5: the Reason Code may be omitted when it is Success and there are no properties
  // (Remaining Length 2), and the Property Length when there are none (Remaining Length 3).
  if (v == protocol_version::v5 && !r.at_end()) {
    a.reason = read_reason(r, t);
    if (!r.at_end()) read_properties(r, scope, a.properties);
  }
  r.expect_end("acknowledgement");
  return a;
}

}  // namespace

packet decode_ack(reader& r, packet_type t, protocol_version v) {
  switch (t) {
    case packet_type::puback:
      return decode_ack_as<puback>(r, t, property_scope::puback, v);
    case packet_type::pubrec:
      return decode_ack_as<pubrec>(r, t, property_scope::pubrec, v);
    case packet_type::pubrel:
      return decode_ack_as<pubrel>(r, t, property_scope::pubrel, v);
    default:
      return decode_ack_as<pubcomp>(r, t, property_scope::pubcomp, v);
  }
}

}  // namespace mothership::mqtt::detail
