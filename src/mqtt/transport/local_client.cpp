#include "mqtt/transport/local_client.hpp"

#include <boost/asio/post.hpp>

#include "mqtt/codec/decode.hpp"
#include "mqtt/codec/frame.hpp"

namespace mothership::mqtt {

namespace {
steady_time now() {
  return std::chrono::steady_clock::now();
}
}  // namespace

local_client::local_client(broker& b, boost::asio::any_io_executor executor, message_handler on_message,
                           close_handler on_close)
    : broker_(b), executor_(std::move(executor)), on_message_(std::move(on_message)), on_close_(std::move(on_close)) {}

std::shared_ptr<local_client> local_client::connect(broker& b, boost::asio::any_io_executor executor,
                                                    std::string client_id, identity who, message_handler on_message,
                                                    close_handler on_close) {
  auto c = std::make_shared<local_client>(b, std::move(executor), std::move(on_message), std::move(on_close));
  mqtt::connect hello;
  hello.version = protocol_version::v5;
  hello.client_id = std::move(client_id);
  auto outcome = b.connect(hello, std::move(who), c, now());
  c->connack_reason_ = outcome.reason;
  c->session_ = outcome.attached;
  if (outcome.attached) c->take_packets();  // the CONNACK
  return c;
}

std::vector<packet> local_client::take_packets() {
  std::vector<packet> out;
  auto s = session_.lock();
  if (!s) return out;
  std::string bytes = broker_.take_output(*s, this);
  std::span<const std::uint8_t> rest(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  while (!rest.empty()) {
    auto framed = parse_frame(rest, 1u << 28);
    const frame* f = std::get_if<frame>(&framed);
    if (!f) break;  // our own broker's bytes: always whole packets
    if (auto p = decode_packet(f->first_byte, f->body(rest), protocol_version::v5)) out.push_back(std::move(*p));
    rest = rest.subspan(f->total_length);
  }
  return out;
}

reason_code local_client::publish(std::string topic, std::string payload, qos q, bool retain) {
  auto s = session_.lock();
  if (!s) return reason_code::unspecified_error;
  mqtt::publish p{false, q, retain, std::move(topic), std::nullopt, {}, std::move(payload)};
  std::uint16_t id = 0;
  if (q != qos::at_most_once) {
    id = next_id_ = static_cast<std::uint16_t>(next_id_ == 65535 ? 1 : next_id_ + 1);
    p.packet_id = id;
  }
  reason_code r = broker_.publish(*s, std::move(p), now());
  if (r != reason_code::success || q == qos::at_most_once) return r;
  // The acknowledgement is already in the outbox: the broker answers synchronously.
  reason_code ack = reason_code::success;
  for (auto& packet : take_packets()) {
    if (auto* a = std::get_if<puback>(&packet); a && a->packet_id == id)
      ack = a->reason;
    else if (auto* rec = std::get_if<pubrec>(&packet); rec && rec->packet_id == id) {
      ack = rec->reason;
      broker_.pubrel(*s, pubrel{id, reason_code::success, {}});
    } else {
      replies_.push_back(std::move(packet));
    }
  }
  if (!replies_.empty()) boost::asio::post(executor_, [self = shared_from_this()] { self->drain(); });
  return ack;
}

std::vector<reason_code> local_client::subscribe(std::vector<std::string> filters, qos max_qos, bool no_local) {
  auto s = session_.lock();
  if (!s) return {};
  mqtt::subscribe sub;
  sub.packet_id = next_id_ = static_cast<std::uint16_t>(next_id_ == 65535 ? 1 : next_id_ + 1);
  for (auto& f : filters) sub.entries.push_back({std::move(f), max_qos, no_local});
  broker_.subscribe(*s, sub, now());
  std::vector<reason_code> reasons;
  for (auto& packet : take_packets()) {
    if (auto* ack = std::get_if<suback>(&packet); ack && ack->packet_id == sub.packet_id)
      reasons = ack->reasons;
    else
      replies_.push_back(std::move(packet));  // retained messages that followed the SUBACK
  }
  if (!replies_.empty()) boost::asio::post(executor_, [self = shared_from_this()] { self->drain(); });
  return reasons;
}

void local_client::disconnect() {
  if (auto s = session_.lock()) broker_.connection_closed(*s, this, false, std::nullopt, now());
  session_.reset();
}

void local_client::wake() {
  // Called under the broker's lock: hand over later, on our executor.
  boost::asio::post(executor_, [self = shared_from_this()] { self->drain(); });
}

void local_client::close(reason_code reason) {
  boost::asio::post(executor_, [self = shared_from_this(), reason] {
    auto s = self->session_.lock();
    if (!s) return;
    self->broker_.connection_closed(*s, self.get(), true, std::nullopt, now());
    self->session_.reset();
    if (self->on_close_) self->on_close_(reason);
  });
}

void local_client::drain() {
  std::vector<packet> packets;
  packets.swap(replies_);
  for (auto& p : take_packets()) packets.push_back(std::move(p));
  for (auto& p : packets) {
    auto s = session_.lock();
    if (!s) return;
    auto* m = std::get_if<mqtt::publish>(&p);
    if (!m) continue;
    if (on_message_) on_message_(*m);
    if (m->qos == qos::at_least_once) broker_.acknowledged(*s, puback{*m->packet_id, reason_code::success, {}}, now());
    if (m->qos == qos::exactly_once) {
      broker_.acknowledged(*s, pubrec{*m->packet_id, reason_code::success, {}}, now());
      broker_.acknowledged(*s, pubcomp{*m->packet_id, reason_code::success, {}}, now());
    }
  }
}

}  // namespace mothership::mqtt
