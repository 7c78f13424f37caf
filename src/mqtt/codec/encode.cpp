#include "mqtt/codec/encode.hpp"

#include <stdexcept>
#include <type_traits>

#include "mqtt/codec/frame.hpp"
#include "mqtt/codec/property_codec.hpp"
#include "mqtt/codec/wire.hpp"

namespace mothership::mqtt {

namespace {

using detail::property_scope;
using detail::writer;

std::uint8_t publish_first_byte(bool dup, qos q, bool retain) {
  return static_cast<std::uint8_t>(0x30 | (dup ? 0x08 : 0) | (static_cast<std::uint8_t>(q) << 1) | (retain ? 1 : 0));
}

void write_publish_head(writer& w, const publish_header_view& h, protocol_version v) {
  w.string(h.topic);
  if (h.qos != qos::at_most_once) {
    if (!h.packet_id) throw std::invalid_argument("MQTT PUBLISH with QoS > 0 needs a packet id");
    w.u16(*h.packet_id);
  }
  if (v == protocol_version::v5)
    detail::write_properties(w, h.properties ? *h.properties : properties{}, property_scope::publish);
}

// Writes everything after the fixed header. Called twice per packet: once counting, once writing.
class body_writer {
 public:
  body_writer(writer& w, protocol_version v) : w_(w), v5_(v == protocol_version::v5) {}

  void operator()(const connect& c) {
    w_.string("MQTT");
    w_.u8(v5_ ? 5 : 4);
    std::uint8_t flags = c.clean_start ? 0x02 : 0;
    if (c.will) {
      flags |= 0x04 | static_cast<std::uint8_t>(static_cast<std::uint8_t>(c.will->qos) << 3);
      if (c.will->retain) flags |= 0x20;
    }
    if (c.password) flags |= 0x40;
    if (c.username) flags |= 0x80;
    w_.u8(flags);
    w_.u16(c.keep_alive);
    if (v5_) detail::write_properties(w_, c.properties, property_scope::connect);
    w_.string(c.client_id);
    if (c.will) {
      if (v5_) detail::write_properties(w_, c.will->properties, property_scope::will);
      w_.string(c.will->topic);
      w_.string(c.will->payload);
    }
    if (c.username) w_.string(*c.username);
    if (c.password) w_.string(*c.password);
  }

  void operator()(const connack& c) {
    w_.u8(c.session_present ? 1 : 0);
    w_.u8(v5_ ? static_cast<std::uint8_t>(c.reason) : to_v311_connack_code(c.reason));
    if (v5_) detail::write_properties(w_, c.properties, property_scope::connack);
  }

  void operator()(const publish& p) {
    write_publish_head(w_, {p.topic, p.qos, p.dup, p.retain, p.packet_id, &p.properties, p.payload.size()},
                       v5_ ? protocol_version::v5 : protocol_version::v311);
    w_.raw(p.payload);
  }

  void operator()(const puback& a) { ack(a, property_scope::puback); }
  void operator()(const pubrec& a) { ack(a, property_scope::pubrec); }
  void operator()(const pubrel& a) { ack(a, property_scope::pubrel); }
  void operator()(const pubcomp& a) { ack(a, property_scope::pubcomp); }

  void operator()(const subscribe& s) {
    w_.u16(s.packet_id);
    if (v5_) detail::write_properties(w_, s.properties, property_scope::subscribe);
    for (const auto& e : s.entries) {
      w_.string(e.filter);
      auto options = static_cast<std::uint8_t>(e.max_qos);
      if (v5_) {
        if (e.no_local) options |= 0x04;
        if (e.retain_as_published) options |= 0x08;
        options |= static_cast<std::uint8_t>(static_cast<std::uint8_t>(e.retain_handling) << 4);
      }
      w_.u8(options);
    }
  }

  void operator()(const suback& s) {
    w_.u16(s.packet_id);
    if (v5_) detail::write_properties(w_, s.properties, property_scope::suback);
    for (reason_code rc : s.reasons) {
      const auto code = static_cast<std::uint8_t>(rc);
      w_.u8(v5_ || code <= 2 ? code : 0x80);
    }
  }

  void operator()(const unsubscribe& u) {
    w_.u16(u.packet_id);
    if (v5_) detail::write_properties(w_, u.properties, property_scope::unsubscribe);
    for (const auto& f : u.filters) w_.string(f);
  }

  void operator()(const unsuback& u) {
    w_.u16(u.packet_id);
    if (!v5_) return;
    detail::write_properties(w_, u.properties, property_scope::unsuback);
    for (reason_code rc : u.reasons) w_.u8(static_cast<std::uint8_t>(rc));
  }

  void operator()(const pingreq&) {}
  void operator()(const pingresp&) {}

  void operator()(const disconnect& d) {
    if (v5_) short_form(d.reason, d.properties, property_scope::disconnect);
  }

  void operator()(const auth& a) {
    if (!v5_) throw std::invalid_argument("MQTT 3.1.1 has no AUTH packet");
    short_form(a.reason, a.properties, property_scope::auth);
  }

 private:
  template <class Ack>
  void ack(const Ack& a, property_scope scope) {
    w_.u16(a.packet_id);
    if (v5_) short_form(a.reason, a.properties, scope);
  }

  // MQTT 5 leaves out a Success reason code without properties, and an empty property list.
  void short_form(reason_code rc, const properties& props, property_scope scope) {
    const bool no_properties = detail::properties_empty(props, scope);
    if (rc == reason_code::success && no_properties) return;
    w_.u8(static_cast<std::uint8_t>(rc));
    if (!no_properties) detail::write_properties(w_, props, scope);
  }

  writer& w_;
  bool v5_;
};

std::uint8_t first_byte(const packet& p) {
  if (const auto* pub = std::get_if<publish>(&p)) return publish_first_byte(pub->dup, pub->qos, pub->retain);
  const auto type = static_cast<std::uint8_t>(type_of(p));
  const bool flagged = type == static_cast<std::uint8_t>(packet_type::pubrel) ||
                       type == static_cast<std::uint8_t>(packet_type::subscribe) ||
                       type == static_cast<std::uint8_t>(packet_type::unsubscribe);
  return static_cast<std::uint8_t>(type << 4 | (flagged ? 0x02 : 0x00));
}

std::size_t body_size(const packet& p, protocol_version v) {
  writer counter;
  std::visit(body_writer(counter, v), p);
  return counter.size();
}

std::uint32_t checked_remaining_length(std::size_t n) {
  if (n > max_remaining_length) throw std::length_error("MQTT packet larger than 256 MB");
  return static_cast<std::uint32_t>(n);
}

}  // namespace

void encode(const packet& p, protocol_version version, std::string& out) {
  const std::uint32_t n = checked_remaining_length(body_size(p, version));
  out.reserve(out.size() + 1 + detail::variable_byte_integer_size(n) + n);
  writer w(out);
  w.u8(first_byte(p));
  w.variable_byte_integer(n);
  std::visit(body_writer(w, version), p);
}

std::size_t encoded_size(const packet& p, protocol_version version) {
  const std::uint32_t n = checked_remaining_length(body_size(p, version));
  return 1 + detail::variable_byte_integer_size(n) + n;
}

std::string encode_publish_head(const publish_header_view& head, protocol_version version) {
  writer counter;
  write_publish_head(counter, head, version);
  const std::uint32_t n = checked_remaining_length(counter.size() + head.payload_size);
  std::string out;
  out.reserve(1 + detail::variable_byte_integer_size(n) + counter.size());
  writer w(out);
  w.u8(publish_first_byte(head.dup, head.qos, head.retain));
  w.variable_byte_integer(n);
  write_publish_head(w, head, version);
  return out;
}

}  // namespace mothership::mqtt
