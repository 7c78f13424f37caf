#include "mqtt/broker/session.hpp"

#include <algorithm>
#include <iterator>

#include "mqtt/codec/encode.hpp"

namespace mothership::mqtt {

session::session(std::string client_id, subscriber_id id, identity who, const session_limits& limits)
    : who(std::move(who)), client_id_(std::move(client_id)), id_(id), limits_(limits) {}

session::qos_flows& session::flows() {
  if (!flows_) flows_ = std::make_unique<qos_flows>();
  return *flows_;
}

void session::drop_flows_if_idle() {
  // Packet ids and the send order may start again: nothing is in flight either way.
  if (flows_ && !flows_->queue && flows_->inflight.empty() && flows_->incoming_qos2.empty()) flows_.reset();
}

std::size_t session::window() const {
  return version_ == protocol_version::v5 ? receive_maximum_ : limits_.inflight_v311;
}

void session::wake() {
  if (auto sink = sink_.lock()) sink->wake();
}

void session::attach(const std::shared_ptr<session_sink>& sink, protocol_version version, std::uint16_t receive_maximum,
                     std::uint32_t max_packet_size) {
  sink_ = sink;
  version_ = version;
  receive_maximum_ = receive_maximum == 0 ? 65535 : receive_maximum;
  max_packet_size_ = max_packet_size;
  topic_aliases_.reset();  // aliases live as long as one network connection [MQTT-3.3.2-7]
  expires_at = steady_time::max();
  outbox_.clear();
}

void session::resume(steady_time now) {
  // Resume what the previous connection left unacknowledged, in the order first sent.
  std::vector<std::pair<std::uint64_t, std::uint16_t>> order;
  if (flows_)
    for (const auto& [id, f] : flows_->inflight) order.emplace_back(f.seq, id);
  std::sort(order.begin(), order.end());
  for (auto [seq, id] : order) {
    const flight& f = flows_->inflight.at(id);
    if (f.released)
      encode(pubrel{id, reason_code::success, {}}, version_, outbox_);
    else
      write_publish(f.what, id, /*dup=*/true, now);
  }
  pump(now);
}

void session::detach() {
  sink_.reset();
}

session::delivery session::deliver(const message_ptr& m, qos granted, bool retain_flag,
                                   std::vector<std::uint32_t> identifiers, steady_time now) {
  if (m->expired(now)) return delivery::dropped_expired;
  pending p{m, granted, retain_flag, std::move(identifiers)};
  if (granted == qos::at_most_once) {
    // QoS 0 is never queued for an offline client; for a connected one it goes straight out.
    if (!connected()) return delivery::dropped_queue_full;
    if (outbox_.size() >= limits_.max_outbox_bytes) {
      ++dropped_;
      return delivery::dropped_slow_reader;
    }
    if (!write_publish(p, std::nullopt, false, now)) return delivery::dropped_too_large;
    wake();
    return delivery::sent;
  }
  std::size_t limit = connected() ? limits_.max_queued * limits_.overflow_factor : limits_.max_queued;
  if (queued() >= limit) {
    ++dropped_;
    return delivery::dropped_queue_full;
  }
  auto& queue = flows().queue;
  if (!queue) queue = std::make_unique<std::deque<pending>>();
  queue->push_back(std::move(p));
  if (!connected()) return delivery::queued;
  refill(now);
  return queued() == 0 ? delivery::sent : delivery::queued;
}

void session::refill(steady_time now) {
  std::size_t before = outbox_.size();
  pump(now);
  if (outbox_.size() != before) wake();
}

void session::pump(steady_time now) {
  if (!connected()) return;
  while (queued() > 0 && in_flight() < window() && outbox_.size() < limits_.max_outbox_bytes) {
    pending p = std::move(flows_->queue->front());
    flows_->queue->pop_front();
    if (p.msg->expired(now)) continue;
    std::uint16_t id = next_packet_id();
    if (!write_publish(p, id, false, now)) continue;  // too large for this client: dropped
    flows_->inflight.emplace(id, flight{std::move(p), false, ++flows_->send_seq});
  }
}

bool session::write_publish(const pending& p, std::optional<std::uint16_t> packet_id, bool dup, steady_time now) {
  const message& m = *p.msg;
  properties props;
  const properties* prop_ptr = nullptr;
  if (version_ == protocol_version::v5) {
    props = m.properties;
    props.subscription_identifiers = p.identifiers;
    if (m.expires_at) {
      // The receiver sees the time left, not the time the publisher asked for [MQTT-3.3.2-6].
      auto left = std::chrono::ceil<std::chrono::seconds>(*m.expires_at - now).count();
      props.message_expiry_interval = static_cast<std::uint32_t>(std::max<long long>(left, 0));
    }
    prop_ptr = &props;
  }
  publish_header_view head{m.topic, p.granted, dup, p.retain, packet_id, prop_ptr, m.payload->size()};
  std::string bytes = encode_publish_head(head, version_);
  if (max_packet_size_ != 0 && bytes.size() + m.payload->size() > max_packet_size_) {
    ++dropped_;  // the client said it cannot take a packet this big [MQTT-3.1.2-25]
    return false;
  }
  outbox_ += bytes;
  outbox_ += *m.payload;
  return true;
}

std::uint16_t session::next_packet_id() {
  // Skip ids still in flight; ids are non-zero [MQTT-2.2.1-3].
  qos_flows& f = flows();
  do {
    f.last_packet_id = static_cast<std::uint16_t>(f.last_packet_id == 65535 ? 1 : f.last_packet_id + 1);
  } while (f.inflight.count(f.last_packet_id));
  return f.last_packet_id;
}

bool session::on_puback(std::uint16_t packet_id, steady_time now) {
  if (!flows_) return false;
  auto it = flows_->inflight.find(packet_id);
  if (it == flows_->inflight.end() || it->second.what.granted != qos::at_least_once) return false;
  flows_->inflight.erase(it);
  refill(now);
  drop_flows_if_idle();
  return true;
}

bool session::abandon(std::uint16_t packet_id, steady_time now) {
  if (!flows_ || !flows_->inflight.erase(packet_id)) return false;
  refill(now);
  drop_flows_if_idle();
  return true;
}

bool session::on_pubrec(std::uint16_t packet_id, steady_time) {
  if (!flows_) return false;
  auto it = flows_->inflight.find(packet_id);
  if (it == flows_->inflight.end() || it->second.what.granted != qos::exactly_once) return false;
  it->second.released = true;
  encode(pubrel{packet_id, reason_code::success, {}}, version_, outbox_);
  wake();
  return true;
}

bool session::on_pubcomp(std::uint16_t packet_id, steady_time now) {
  if (!flows_) return false;
  auto it = flows_->inflight.find(packet_id);
  if (it == flows_->inflight.end() || !it->second.released) return false;
  flows_->inflight.erase(it);
  refill(now);
  drop_flows_if_idle();
  return true;
}

void session::send(const packet& p) {
  encode(p, version_, outbox_);
  wake();
}

std::string session::take_outbox() {
  std::string out;
  out.swap(outbox_);
  if (flows_ && flows_->queue && flows_->queue->empty()) flows_->queue.reset();  // once per write, not per message
  drop_flows_if_idle();
  return out;
}

bool session::begin_incoming_qos2(std::uint16_t packet_id) {
  auto& ids = flows().incoming_qos2;
  auto at = std::lower_bound(ids.begin(), ids.end(), packet_id);
  if (at != ids.end() && *at == packet_id) return false;
  ids.insert(at, packet_id);
  return true;
}

bool session::end_incoming_qos2(std::uint16_t packet_id) {
  if (!flows_) return false;
  auto& ids = flows_->incoming_qos2;
  auto at = std::lower_bound(ids.begin(), ids.end(), packet_id);
  if (at == ids.end() || *at != packet_id) return false;
  ids.erase(at);
  drop_flows_if_idle();
  return true;
}

namespace {
session::subscription_key key_of(const stored_subscription& sub) {
  return {sub.filter, sub.share_group};
}
bool before(const stored_subscription& a, const stored_subscription& b) {
  return key_of(a) < key_of(b);
}
}  // namespace

void session::remember(std::vector<stored_subscription> subs) {
  std::stable_sort(subs.begin(), subs.end(), before);
  // Merge the two sorted lists; on equal keys the newer wins, and of `subs` the last.
  std::vector<stored_subscription> merged;
  merged.reserve(subscriptions.size() + subs.size());
  auto old = subscriptions.begin();
  for (auto it = subs.begin(); it != subs.end(); ++it) {
    if (std::next(it) != subs.end() && !before(*it, *std::next(it))) continue;  // a later one replaces it
    while (old != subscriptions.end() && before(*old, *it)) merged.push_back(std::move(*old++));
    if (old != subscriptions.end() && !before(*it, *old)) ++old;  // replaced
    merged.push_back(std::move(*it));
  }
  std::move(old, subscriptions.end(), std::back_inserter(merged));
  subscriptions = std::move(merged);
}

std::vector<bool> session::forget(const std::vector<subscription_key>& keys) {
  std::vector<bool> existed(keys.size(), false);
  std::vector<bool> erase(subscriptions.size(), false);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto at =
        std::lower_bound(subscriptions.begin(), subscriptions.end(), keys[i],
                         [](const stored_subscription& sub, const subscription_key& k) { return key_of(sub) < k; });
    if (at == subscriptions.end() || key_of(*at) != keys[i]) continue;
    const auto index = static_cast<std::size_t>(at - subscriptions.begin());
    existed[i] = !erase[index];
    erase[index] = true;
  }
  std::size_t index = 0;
  std::erase_if(subscriptions, [&](const stored_subscription&) { return erase[index++]; });
  return existed;
}

void session::set_topic_alias(std::uint16_t alias, std::string topic) {
  if (!topic_aliases_) topic_aliases_ = std::make_unique<std::unordered_map<std::uint16_t, std::string>>();
  (*topic_aliases_)[alias] = std::move(topic);
}

const std::string* session::topic_of_alias(std::uint16_t alias) const {
  if (!topic_aliases_) return nullptr;
  auto it = topic_aliases_->find(alias);
  return it == topic_aliases_->end() ? nullptr : &it->second;
}

}  // namespace mothership::mqtt
