#include "server_output_check.hpp"

#include <array>
#include <map>
#include <span>

#include "mqtt/codec/decode.hpp"
#include "mqtt/codec/frame.hpp"

namespace mothership::fuzz {

namespace {

using namespace mothership::mqtt;

std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string name_of(packet_type t) {
  static constexpr std::array<const char*, 16> names = {
      "reserved",  "CONNECT", "CONNACK",     "PUBLISH",  "PUBACK",  "PUBREC",   "PUBREL",     "PUBCOMP",
      "SUBSCRIBE", "SUBACK",  "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH"};
  return names[static_cast<std::size_t>(t) & 15];
}

// Devices and provisioning clients are held to their own subtree: the authorizer lets them
// receive anything because their filters cannot reach outside it, so a delivery outside it
// means a subscription they could not have made (e.g. inherited with a session).
bool may_receive(const fleet_policy& policy, const identity& who, std::string_view topic) {
  if (who.what == identity::kind::device || who.what == identity::kind::provisioning)
    return policy.may_subscribe(who, topic);
  return policy.may_receive(who, topic);
}

class conversation {
 public:
  conversation(const peer_info& peer, const server_settings& server) : peer_(peer), server_(server) {}

  void client_sent(std::string_view bytes);
  void server_sent(std::string_view bytes);
  void finish(const transcript& t);

  std::vector<violation> found;

 private:
  void client_packet(const frame& f, std::span<const std::uint8_t> body);
  void server_packet(const packet& p, std::size_t size);
  void delivery(const publish& p);
  void answer(packet_type ack, std::size_t requests);
  void fail(std::string rule, std::string detail) {
    if (found.size() < 16) found.push_back({std::move(rule), std::move(detail)});
  }

  struct flight {
    qos q;
    bool released = false;
  };
  enum class ack { puback, pubrec, pubrec_error, pubcomp };
  void acknowledge(std::uint16_t id, ack a);

  const peer_info& peer_;
  const server_settings& server_;
  std::string from_client_, from_server_;
  std::size_t client_read_ = 0, server_read_ = 0;
  bool client_readable_ = true;  // false once the server could not take a packet: it reads no further
  bool connect_seen_ = false;
  std::optional<protocol_version> version_;  // the version the server answers in, if any
  std::optional<connect> hello_;
  std::optional<identity> who_;
  std::array<std::size_t, 16> client_count_{}, server_count_{};  // packets by type
  std::size_t qos1_in_ = 0, qos2_in_ = 0;
  std::map<std::uint16_t, flight> in_flight_;
  // Acknowledgements of ids not in flight yet. A transcript orders whole reads and writes, so
  // a client that answers fast (its PUBACK in the same read as its next PUBLISH) acknowledges
  // a delivery the server made, and processed the answer to, before the write that shows it.
  std::map<std::uint16_t, std::vector<ack>> early_;
  const char* ended_by_ = nullptr;  // the packet after which the server may send nothing
};

void conversation::client_sent(std::string_view bytes) {
  from_client_ += bytes;
  while (client_readable_) {
    auto rest = as_bytes(from_client_).subspan(client_read_);
    auto framed = parse_frame(rest, server_.max_packet_size);
    if (std::holds_alternative<need_more>(framed)) return;
    const frame* f = std::get_if<frame>(&framed);
    if (!f) {
      client_readable_ = false;
      return;
    }
    client_packet(*f, f->body(rest));
    client_read_ += f->total_length;
  }
}

void conversation::client_packet(const frame& f, std::span<const std::uint8_t> body) {
  if (!connect_seen_) {
    connect_seen_ = true;
    client_readable_ = false;
    if (f.first_byte != 0x10) return;  // the server answers nothing
    auto c = decode_connect(body);
    if (!c) {
      version_ = c.error().reason == reason_code::unsupported_protocol_version ? protocol_version::v311
                                                                               : connect_protocol_version(body);
      return;
    }
    client_readable_ = true;
    version_ = c->version;
    who_ = server_.policy
               .authenticate({c->client_id, c->username, c->password, peer_.certificate != nullptr,
                              peer_.certificate ? peer_.certificate->identity : std::nullopt})
               .who;
    hello_ = std::move(*c);
    return;
  }
  auto decoded = decode_packet(f.first_byte, body, *version_);
  if (!decoded) {
    client_readable_ = false;
    return;
  }
  ++client_count_[static_cast<std::size_t>(type_of(*decoded))];
  if (auto* p = std::get_if<publish>(&*decoded)) {
    qos1_in_ += p->qos == qos::at_least_once;
    qos2_in_ += p->qos == qos::exactly_once;
  } else if (auto* a = std::get_if<puback>(&*decoded)) {
    acknowledge(a->packet_id, ack::puback);
  } else if (auto* r = std::get_if<pubrec>(&*decoded)) {
    acknowledge(r->packet_id, static_cast<std::uint8_t>(r->reason) >= 0x80 ? ack::pubrec_error : ack::pubrec);
  } else if (auto* c = std::get_if<pubcomp>(&*decoded)) {
    acknowledge(c->packet_id, ack::pubcomp);
  }
}

// As the session does: PUBACK ends a QoS 1 delivery, PUBREC releases a QoS 2 one (or ends it,
// with an error), PUBCOMP ends a released one.
void conversation::acknowledge(std::uint16_t id, ack a) {
  auto it = in_flight_.find(id);
  if (it == in_flight_.end()) {
    early_[id].push_back(a);
    return;
  }
  flight& f = it->second;
  if ((a == ack::puback && f.q == qos::at_least_once) || a == ack::pubrec_error || (a == ack::pubcomp && f.released))
    in_flight_.erase(it);
  else if (a == ack::pubrec && f.q == qos::exactly_once)
    f.released = true;
}

void conversation::server_sent(std::string_view bytes) {
  from_server_ += bytes;
  for (;;) {
    auto rest = as_bytes(from_server_).subspan(server_read_);
    if (rest.empty()) return;
    auto framed = parse_frame(rest, max_remaining_length + 5);
    if (std::holds_alternative<need_more>(framed)) return;
    const frame* f = std::get_if<frame>(&framed);
    if (!f) return fail("unframeable", std::get<decode_error>(framed).detail);
    server_read_ += f->total_length;
    if (!version_)
      return fail("output-without-connect", "the server wrote although the client sent no CONNECT it could answer");
    auto decoded = decode_packet(f->first_byte, f->body(rest), *version_);
    if (!decoded) return fail("malformed " + name_of(f->type()), decoded.error().detail);
    server_packet(*decoded, f->total_length);
  }
}

void conversation::answer(packet_type ack, std::size_t requests) {
  if (server_count_[static_cast<std::size_t>(ack)] >= requests)
    fail("unsolicited " + name_of(ack), "the server sent more " + name_of(ack) + " than the client asked for");
}

void conversation::server_packet(const packet& p, std::size_t size) {
  const packet_type type = type_of(p);
  const auto count = [this](packet_type t) { return client_count_[static_cast<std::size_t>(t)]; };
  if (ended_by_) fail("packet after the end", "the server sent " + name_of(type) + " after " + ended_by_);
  if (server_count_[static_cast<std::size_t>(packet_type::connack)] == 0 && type != packet_type::connack)
    fail("first packet not CONNACK", "the server's first packet is " + name_of(type));
  switch (type) {
    case packet_type::connack:
      if (server_count_[static_cast<std::size_t>(type)] > 0) fail("second CONNACK", "the server sent a second CONNACK");
      if (std::get<connack>(p).reason != reason_code::success) ended_by_ = "a refusing CONNACK";
      break;
    case packet_type::disconnect:
      if (version_ != protocol_version::v5)
        fail("DISCONNECT to 3.1.1", "the server sent DISCONNECT to an MQTT 3.1.1 client");
      ended_by_ = "DISCONNECT";
      break;
    case packet_type::publish:
      delivery(std::get<publish>(p));
      break;
    case packet_type::suback:
      answer(type, count(packet_type::subscribe));
      break;
    case packet_type::unsuback:
      answer(type, count(packet_type::unsubscribe));
      break;
    case packet_type::pingresp:
      answer(type, count(packet_type::pingreq));
      break;
    case packet_type::pubcomp:
      answer(type, count(packet_type::pubrel));
      break;
    case packet_type::puback:
      answer(type, qos1_in_);
      break;
    case packet_type::pubrec:
      answer(type, qos2_in_);
      break;
    case packet_type::pubrel:
      break;
    default:
      fail("client packet " + name_of(type), "the server sent " + name_of(type) + ", which only clients send");
  }
  ++server_count_[static_cast<std::size_t>(type)];
  // CONNACK, SUBACK and UNSUBACK grow with what the client asked for; the rest the server controls.
  const bool sized_by_request =
      type == packet_type::connack || type == packet_type::suback || type == packet_type::unsuback;
  const auto client_max = hello_ ? hello_->properties.maximum_packet_size : std::nullopt;
  if (version_ == protocol_version::v5 && !sized_by_request && client_max && size > *client_max)
    fail("maximum-packet-size " + name_of(type), "the server sent a " + std::to_string(size) + "-byte " +
                                                     name_of(type) + " to a client whose maximum is " +
                                                     std::to_string(*client_max) + " [MQTT-3.1.2-24]");
}

void conversation::delivery(const publish& p) {
  if (who_ && !p.topic.empty() && !may_receive(server_.policy, *who_, p.topic))
    fail("may not receive", "the server delivered '" + p.topic + "' to " + std::string(to_string(who_->what)) + " '" +
                                who_->name + "', who may not receive it");
  if (auto alias = p.properties.topic_alias) {
    const auto allowed = hello_ ? hello_->properties.topic_alias_maximum.value_or(0) : 0;
    if (*alias > allowed)
      fail("topic alias", "the server used topic alias " + std::to_string(*alias) + " beyond the client's maximum");
  }
  if (p.qos == qos::at_most_once) return;
  const std::uint16_t id = *p.packet_id;
  if (!p.dup && in_flight_.count(id))
    fail("packet id reused", "the server reused packet id " + std::to_string(id) + " while in flight");
  in_flight_[id] = flight{p.qos};
  if (auto early = early_.find(id); early != early_.end()) {
    auto answers = std::move(early->second);
    early_.erase(early);
    for (ack a : answers) acknowledge(id, a);
    early_.erase(id);  // what did not apply now is stale
  }
  // Resent messages (DUP) are due whatever the window [MQTT-4.4.0-1]; new ones must fit in it.
  // (Early answers above can only make the count lower than the server's: no false alarm.)
  std::size_t window = server_.v311_window;
  if (version_ == protocol_version::v5 && hello_) window = hello_->properties.receive_maximum.value_or(65535);
  if (!p.dup && in_flight_.size() > window)
    fail("receive maximum", "the server has " + std::to_string(in_flight_.size()) +
                                " QoS 1/2 messages in flight, beyond " + std::to_string(window));
}

void conversation::finish(const transcript& t) {
  if (server_read_ != from_server_.size()) fail("partial packet", "the server's last write ends inside a packet");
  if (t.written_after_close) fail("write after close", "the server wrote after closing the connection");
}

}  // namespace

std::vector<violation> find_server_violations(const transcript& t, const peer_info& peer,
                                              const server_settings& server) {
  conversation c(peer, server);
  for (const auto& e : t.entries) {
    if (e.from_client)
      c.client_sent(e.bytes);
    else
      c.server_sent(e.bytes);
  }
  c.finish(t);
  return std::move(c.found);
}

}  // namespace mothership::fuzz
