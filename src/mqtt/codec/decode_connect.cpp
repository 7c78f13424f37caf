// CONNECT and CONNACK (MQTT 5 §3.1, §3.2; 3.1.1 §3.1, §3.2).
#include <string>

#include "mqtt/codec/decode.hpp"
#include "mqtt/codec/decode_internal.hpp"
#include "mqtt/codec/property_codec.hpp"
#include "mqtt/codec/topic.hpp"

namespace mothership::mqtt {

namespace {

// Connect Flags bits (§3.1.2.3).
constexpr std::uint8_t reserved_flag = 0x01, clean_start_flag = 0x02, will_flag = 0x04, will_retain_flag = 0x20,
                       password_flag = 0x40, username_flag = 0x80;

// Reads the protocol name and level; an unreadable name is malformed, an unknown one unsupported.
std::optional<protocol_version> read_version(detail::reader& r) {
  const std::string name = r.utf8_string();
  const std::uint8_t level = r.u8();
  if (r.failed()) return std::nullopt;
  if (name == "MQTT" && level == 4) return protocol_version::v311;
  if (name == "MQTT" && level == 5) return protocol_version::v5;
  r.fail(reason_code::unsupported_protocol_version,
         "protocol \"" + name + "\" level " + std::to_string(level) + " is not supported");
  return std::nullopt;
}

}  // namespace

std::optional<protocol_version> connect_protocol_version(std::span<const std::uint8_t> body) {
  detail::reader r(body);
  return read_version(r);
}

decode_result<connect> decode_connect(std::span<const std::uint8_t> body) {
  detail::reader r(body);
  connect c;
  const auto version = read_version(r);
  if (!version) return r.error();
  c.version = *version;
  const bool v5 = c.version == protocol_version::v5;
  // Rule numbers differ between the versions; comments give 5.0 first, then 3.1.1.
  const std::uint8_t flags = r.u8();
  c.keep_alive = r.u16();
  const auto will_qos = static_cast<std::uint8_t>((flags >> 3) & 0x03);
  if (flags & reserved_flag) {
    r.fail(reason_code::malformed_packet, "CONNECT reserved flag set [MQTT-3.1.2-3]");
  }
  if (!(flags & will_flag) && will_qos != 0) {
    r.fail(reason_code::malformed_packet, "Will QoS without Will Flag [MQTT-3.1.2-11 / MQTT-3.1.2-13]");
  }
  if (!(flags & will_flag) && (flags & will_retain_flag)) {
    r.fail(reason_code::malformed_packet, "Will Retain without Will Flag [MQTT-3.1.2-13 / MQTT-3.1.2-15]");
  }
  if (will_qos == 3) r.fail(reason_code::malformed_packet, "Will QoS 3 [MQTT-3.1.2-12 / MQTT-3.1.2-14]");
  if (!v5 && (flags & password_flag) && !(flags & username_flag)) {
    r.fail(reason_code::malformed_packet, "Password Flag without User Name Flag [MQTT-3.1.2-22]");
  }
  c.clean_start = (flags & clean_start_flag) != 0;
  if (v5) detail::read_properties(r, detail::property_scope::connect, c.properties);

  // Payload order: Client Identifier, Will Properties, Will Topic, Will Payload, User Name,
  // Password [MQTT-3.1.3-1].
  c.client_id = r.utf8_string();
  if (flags & will_flag) {
    will_message w;
    if (v5) detail::read_properties(r, detail::property_scope::will, w.properties);
    w.topic = r.utf8_string();
    w.payload = r.binary();
    w.qos = static_cast<qos>(will_qos);
    w.retain = (flags & will_retain_flag) != 0;
    if (!r.failed() && !valid_topic_name(w.topic)) {
      r.fail(reason_code::topic_name_invalid, "Will Topic is not a valid topic name");
    }
    c.will = std::move(w);
  }
  if (flags & username_flag) c.username = r.utf8_string();
  if (flags & password_flag) c.password = r.binary();
  r.expect_end("CONNECT payload");

  if (v5 && c.properties.authentication_data && !c.properties.authentication_method) {
    r.fail(reason_code::protocol_error, "Authentication Data without Authentication Method");
  }
  if (!v5 && c.client_id.empty() && !c.clean_start) {
    r.fail(reason_code::client_identifier_not_valid, "empty ClientId requires CleanSession [MQTT-3.1.3-8]");
  }
  if (r.failed()) return r.error();
  return c;
}

namespace detail {

connack decode_connack(reader& r, protocol_version v) {
  connack c;
  const std::uint8_t flags = r.u8();
  const std::uint8_t code = r.u8();
  if (flags & 0xFE) r.fail(reason_code::malformed_packet, "CONNACK reserved flags set [MQTT-3.2.2-1]");
  c.session_present = (flags & 0x01) != 0;
  if (v == protocol_version::v311) {
    const auto rc = from_v311_connack_code(code);
    if (!rc) r.fail(reason_code::malformed_packet, "reserved CONNACK return code " + std::to_string(code));
    c.reason = rc.value_or(reason_code::success);
  } else {
    c.reason = static_cast<reason_code>(code);
    if (!reason_allowed(packet_type::connack, c.reason)) {
      r.fail(reason_code::protocol_error, "reason code " + std::to_string(code) + " not allowed in CONNACK");
    }
    read_properties(r, property_scope::connack, c.properties);
  }
  r.expect_end("CONNACK");
  if (c.session_present && is_failure(c.reason)) {
    r.fail(reason_code::protocol_error, "Session Present with a failure code [MQTT-3.2.2-6 / MQTT-3.2.2-4]");
  }
  return c;
}

}  // namespace detail

}  // namespace mothership::mqtt
