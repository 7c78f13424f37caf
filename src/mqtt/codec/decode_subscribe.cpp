// SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK (MQTT 5 §3.8-§3.11; 3.1.1 §3.8-§3.11).
#include <string>

#include "mqtt/codec/decode_internal.hpp"
#include "mqtt/codec/property_codec.hpp"
#include "mqtt/codec/topic.hpp"

namespace mothership::mqtt::detail {

namespace {

std::string read_filter(reader& r) {
  std::string filter = r.utf8_string();
  // A syntactically invalid filter gets the filter code rather than the generic malformed one,
  // like a wildcard in a PUBLISH topic gets topic_name_invalid.
  if (!r.failed() && !valid_topic_filter(filter)) {
    r.fail(reason_code::topic_filter_invalid, "invalid Topic Filter \"" + filter + "\" [MQTT-4.7.1-1, MQTT-4.7.1-2]");
  }
  return filter;
}

subscribe_entry read_entry(reader& r, protocol_version v) {
  subscribe_entry e;
  e.filter = read_filter(r);
  const std::uint8_t options = r.u8();
  if (r.failed()) return e;
  const auto q = static_cast<std::uint8_t>(options & 0x03);
  if (v == protocol_version::v311) {
    if (options & 0xFC) r.fail(reason_code::malformed_packet, "reserved subscription option bits set [MQTT-3-8.3-4]");
    if (q == 3) r.fail(reason_code::malformed_packet, "requested QoS 3 [MQTT-3-8.3-4]");
    e.max_qos = static_cast<qos>(q);
    return e;
  }
  if (options & 0xC0) r.fail(reason_code::malformed_packet, "reserved subscription option bits set [MQTT-3.8.3-5]");
  if (q == 3) r.fail(reason_code::protocol_error, "Maximum QoS 3 in subscription options");
  const auto handling = static_cast<std::uint8_t>((options >> 4) & 0x03);
  if (handling == 3) r.fail(reason_code::protocol_error, "Retain Handling 3");
  e.max_qos = static_cast<qos>(q);
  e.no_local = (options & 0x04) != 0;
  e.retain_as_published = (options & 0x08) != 0;
  e.retain_handling = static_cast<retain_handling>(handling);
  if (e.no_local && parse_shared_subscription(e.filter)) {
    r.fail(reason_code::protocol_error, "No Local on a shared subscription [MQTT-3.8.3-4]");
  }
  return e;
}

}  // namespace

subscribe decode_subscribe(reader& r, protocol_version v) {
  subscribe s;
  s.packet_id = read_packet_id(r);
  if (v == protocol_version::v5) read_properties(r, property_scope::subscribe, s.properties);
  if (!r.failed() && r.at_end()) {
    r.fail(reason_code::protocol_error, "SUBSCRIBE without a Topic Filter [MQTT-3.8.3-2 / MQTT-3.8.3-3]");
  }
  while (!r.at_end()) s.entries.push_back(read_entry(r, v));
  return s;
}

suback decode_suback(reader& r, protocol_version v) {
  suback s;
  s.packet_id = read_packet_id(r);
  if (v == protocol_version::v5) read_properties(r, property_scope::suback, s.properties);
  if (!r.failed() && r.at_end()) r.fail(reason_code::protocol_error, "SUBACK without a Reason Code");
  while (!r.at_end()) {
    if (v == protocol_version::v5) {
      s.reasons.push_back(read_reason(r, packet_type::suback));
      continue;
    }
    const std::uint8_t code = r.u8();
    if (code > 2 && code != 0x80) {
      r.fail(reason_code::protocol_error, "reserved SUBACK return code [MQTT-3.9.3-2]");
    }
    s.reasons.push_back(code == 0x80 ? reason_code::unspecified_error : static_cast<reason_code>(code));
  }
  return s;
}

unsubscribe decode_unsubscribe(reader& r, protocol_version v) {
  unsubscribe u;
  u.packet_id = read_packet_id(r);
  if (v == protocol_version::v5) read_properties(r, property_scope::unsubscribe, u.properties);
  if (!r.failed() && r.at_end()) {
    r.fail(reason_code::protocol_error, "UNSUBSCRIBE without a Topic Filter [MQTT-3.10.3-2]");
  }
  while (!r.at_end()) u.filters.push_back(read_filter(r));
  return u;
}

unsuback decode_unsuback(reader& r, protocol_version v) {
  unsuback u;
  u.packet_id = read_packet_id(r);
  if (v == protocol_version::v311) {
    r.expect_end("UNSUBACK");
    return u;
  }
  read_properties(r, property_scope::unsuback, u.properties);
  if (!r.failed() && r.at_end()) r.fail(reason_code::protocol_error, "UNSUBACK without a Reason Code");
  while (!r.at_end()) u.reasons.push_back(read_reason(r, packet_type::unsuback));
  return u;
}

}  // namespace mothership::mqtt::detail
