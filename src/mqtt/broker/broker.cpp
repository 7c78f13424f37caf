#include "mqtt/broker/broker.hpp"

#include <algorithm>
#include <limits>

#include "mqtt/codec/encode.hpp"
#include "mqtt/codec/topic.hpp"

namespace mothership::mqtt {

namespace {

qos min_qos(qos a, std::uint8_t b) {
  return static_cast<qos>(std::min<std::uint8_t>(static_cast<std::uint8_t>(a), b));
}

reason_code granted(qos q) {
  switch (q) {
    case qos::at_most_once:
      return reason_code::granted_qos_0;
    case qos::at_least_once:
      return reason_code::granted_qos_1;
    case qos::exactly_once:
      return reason_code::granted_qos_2;
  }
  return reason_code::granted_qos_0;
}

}  // namespace

bool is_fatal(reason_code r) {
  switch (r) {
    case reason_code::malformed_packet:
    case reason_code::protocol_error:
    case reason_code::topic_alias_invalid:
    case reason_code::receive_maximum_exceeded:
    case reason_code::packet_too_large:
    case reason_code::topic_name_invalid:
      return true;
    default:
      return false;
  }
}

broker::broker(broker_limits limits, const authorizer& policy)
    : limits_(limits), policy_(policy), retained_(limits.max_retained) {}

std::string broker::assign_client_id() {
  std::string id;
  do {
    id = "ms-auto-" + std::to_string(++assigned_ids_);
  } while (sessions_.find(id));  // a client may have picked it itself
  return id;
}

broker::connect_outcome broker::connect(const mqtt::connect& c, identity who, std::shared_ptr<session_sink> sink,
                                        steady_time now) {
  std::lock_guard lock(mutex_);
  const bool v5 = c.version == protocol_version::v5;
  std::string client_id = c.client_id;
  bool assigned = false;
  if (client_id.empty()) {
    if (!v5 && !c.clean_start) {  // [MQTT-3.1.3-8]
      connect_outcome refused{nullptr, reason_code::client_identifier_not_valid, {}};
      encode(connack{false, refused.reason, {}}, c.version, refused.connack_bytes);
      return refused;
    }
    client_id = assign_client_id();
    assigned = true;
  }

  std::uint16_t keep_alive = c.keep_alive;
  const std::uint16_t cap = limits_.max_keep_alive_s;
  if (cap != 0 && (keep_alive == 0 || keep_alive > cap)) {
    if (!v5) {  // 3.1.1 has no Server Keep Alive to say so
      connect_outcome refused{nullptr, reason_code::client_identifier_not_valid, {}};
      encode(connack{false, refused.reason, {}}, c.version, refused.connack_bytes);
      return refused;
    }
    keep_alive = cap;
  }

  std::uint32_t expiry = v5 ? c.properties.session_expiry_interval.value_or(0)
                            : (c.clean_start ? 0 : std::numeric_limits<std::uint32_t>::max());
  std::uint32_t granted_expiry = std::min(expiry, limits_.max_session_expiry_s);

  std::shared_ptr<session> s;
  bool present = false;
  if (auto existing = sessions_.find(client_id)) {
    // A client id belongs to the identity whose session holds it: anyone else presenting it
    // could otherwise knock a device off the network, or resume its session and read its
    // queued messages. Except that a device's own identity (its certificate, or its claim
    // while being onboarded) always wins its id back from a user or anonymous holder: the
    // fleet policy keeps those off device ids and known serials, but a serial may be taken
    // before it is imported.
    const bool evict = who.is_device() && !existing->who.is_device();
    if (!existing->who.same_as(who) && !evict) {
      ++stats_.denied;
      connect_outcome refused{nullptr, reason_code::not_authorized, {}};
      encode(connack{false, refused.reason, {}}, c.version, refused.connack_bytes);
      return refused;
    }
    if (auto old_sink = existing->sink()) {
      // Takeover [MQTT-3.1.4-3]: the old connection goes; its will follows the usual rules.
      old_sink->close(reason_code::session_taken_over);
      existing->detach();
      if (existing->will) {
        std::uint32_t delay = existing->will->message.properties.will_delay_interval.value_or(0);
        if (delay == 0 || c.clean_start || evict) publish_will(*existing, now);
      }
    }
    if (c.clean_start || evict) {
      end_session(client_id, now);
    } else {
      s = existing;
      present = true;
      s->will.reset();                           // back before the will's delay ran out: no will [MQTT-3.1.3-9]
      s->who.valid_until_s = who.valid_until_s;  // the credentials of this connection
    }
  }
  if (!s) {
    s = sessions_.add(client_id, std::move(who), limits_.session);
  }
  s->will = c.will ? std::make_unique<stored_will>(stored_will{*c.will, std::nullopt}) : nullptr;
  s->expiry_interval_s = granted_expiry;
  s->attach(std::move(sink), c.version, c.properties.receive_maximum.value_or(65535),
            c.properties.maximum_packet_size.value_or(0));

  connack ack{present, reason_code::success, {}};
  if (v5) {
    properties& p = ack.properties;
    if (assigned) p.assigned_client_identifier = client_id;
    if (granted_expiry != expiry) p.session_expiry_interval = granted_expiry;
    p.receive_maximum = limits_.receive_maximum;
    p.topic_alias_maximum = limits_.topic_alias_maximum;
    p.maximum_packet_size = limits_.max_packet_size;
    p.retain_available = true;
    p.wildcard_subscription_available = true;
    p.subscription_identifier_available = true;
    p.shared_subscription_available = true;
    if (keep_alive != c.keep_alive) p.server_keep_alive = keep_alive;
  }
  s->send(ack);
  s->resume(now);
  return {s, reason_code::success, {}, keep_alive};
}

void broker::connection_closed(session& s, const session_sink* sink, bool send_will,
                               std::optional<std::uint32_t> expiry_override, steady_time now) {
  std::lock_guard lock(mutex_);
  if (s.sink().get() != sink) return;  // this connection was already taken over
  s.detach();
  if (expiry_override) s.expiry_interval_s = std::min(*expiry_override, limits_.max_session_expiry_s);
  if (!send_will) s.will.reset();
  if (s.will) {
    std::uint32_t delay = s.will->message.properties.will_delay_interval.value_or(0);
    if (delay == 0 || s.expiry_interval_s == 0)
      publish_will(s, now);
    else
      s.will->due = now + std::chrono::seconds(std::min(delay, s.expiry_interval_s));
  }
  if (s.expiry_interval_s == 0)
    end_session(s.client_id(), now);
  else
    s.expires_at = now + std::chrono::seconds(s.expiry_interval_s);
}

reason_code broker::publish(session& s, mqtt::publish p, steady_time now,
                            std::vector<std::weak_ptr<session>>* congested, const session_sink* via, bool* tap_full) {
  std::lock_guard lock(mutex_);
  if (moved_on(s, via)) return reason_code::session_taken_over;
  stats_.messages_in[static_cast<int>(p.qos)]++;
  stats_.bytes_in += p.payload.size();
  if (auto alias = p.properties.topic_alias) {
    if (*alias == 0 || *alias > limits_.topic_alias_maximum) return reason_code::topic_alias_invalid;
    if (!p.topic.empty()) {
      s.set_topic_alias(*alias, p.topic);
    } else {
      const std::string* known = s.topic_of_alias(*alias);
      if (!known) return reason_code::protocol_error;  // [MQTT-3.3.4-?]: unknown alias
      p.topic = *known;
    }
    p.properties.topic_alias.reset();
  }
  if (p.topic.empty()) return reason_code::protocol_error;

  const std::uint16_t id = p.packet_id.value_or(0);
  if (p.qos == qos::exactly_once) {
    if (!s.begin_incoming_qos2(id)) {  // a resent QoS 2 message: already routed once
      s.send(pubrec{id, reason_code::success, {}});
      return reason_code::success;
    }
    if (s.incoming_qos2_pending() > limits_.receive_maximum) return reason_code::receive_maximum_exceeded;
  }

  reason_code outcome = reason_code::success;
  if (!policy_.may_publish(s.who, p.topic)) {
    // Not delivered. MQTT 5 clients learn it from the acknowledgement's reason code; 3.1.1
    // acknowledgements carry no reason, so those clients see a plain PUBACK / PUBREC.
    ++stats_.denied;
    outcome = reason_code::not_authorized;
    if (p.qos == qos::exactly_once) s.end_incoming_qos2(id);
  } else {
    auto m = make_message(p, s.client_id(), now);
    publish_tap::decision tapped;
    if (tap_) {
      tapped_ack ack{s.weak_from_this(), s.sink().get(), id, p.qos};
      tapped = tap_->offer(m, s.who, p.qos == qos::at_most_once ? nullptr : &ack);
      // QoS 1 and 2 publishers wait while the tap is full; QoS 0 ones are dropped there instead.
      if (tapped.what != publish_tap::verdict::pass && p.qos != qos::at_most_once && tap_full && tap_->full())
        *tap_full = true;
    }
    if (tapped.what == publish_tap::verdict::refused) {
      if (p.qos == qos::exactly_once) s.end_incoming_qos2(id);
      acknowledge(s, p.qos, id, tapped.reason, std::move(tapped.reason_string));
      return reason_code::success;
    }
    if (m->retain) retained_.put(m);
    bool delivered = route(m, now, congested) > 0;
    if (tapped.what == publish_tap::verdict::deferred) return reason_code::success;  // the tap acknowledges
    if (!delivered && tapped.what == publish_tap::verdict::pass) outcome = reason_code::no_matching_subscribers;
  }
  acknowledge(s, p.qos, id, outcome, {});
  return reason_code::success;
}

void broker::acknowledge(session& s, qos q, std::uint16_t packet_id, reason_code reason, std::string reason_string) {
  mqtt::properties props;
  if (!reason_string.empty()) props.reason_string = std::move(reason_string);
  if (q == qos::at_least_once) s.send(puback{packet_id, reason, std::move(props)});
  if (q == qos::exactly_once) s.send(pubrec{packet_id, reason, std::move(props)});
}

void broker::set_tap(publish_tap* tap) {
  std::lock_guard lock(mutex_);
  tap_ = tap;
}

bool broker::tap_full() const {
  std::lock_guard lock(mutex_);
  return tap_ && tap_->full();
}

void broker::acknowledge_tapped(const std::vector<tapped_outcome>& done) {
  std::lock_guard lock(mutex_);
  for (const auto& d : done) {
    auto s = d.ack.to.lock();
    if (!s || moved_on(*s, d.ack.via)) continue;  // that connection is gone: the client resends
    if (d.ack.qos == qos::exactly_once && static_cast<std::uint8_t>(d.reason) >= 0x80)
      s->end_incoming_qos2(d.ack.packet_id);
    acknowledge(*s, d.ack.qos, d.ack.packet_id, d.reason, d.reason_string);
  }
}

reason_code broker::pubrel(session& s, const mqtt::pubrel& p, const session_sink* via) {
  std::lock_guard lock(mutex_);
  if (moved_on(s, via)) return reason_code::session_taken_over;
  bool known = s.end_incoming_qos2(p.packet_id);
  s.send(pubcomp{p.packet_id, known ? reason_code::success : reason_code::packet_identifier_not_found, {}});
  return reason_code::success;
}

reason_code broker::acknowledged(session& s, const packet& ack, steady_time now, const session_sink* via) {
  std::lock_guard lock(mutex_);
  if (moved_on(s, via)) return reason_code::session_taken_over;
  // An acknowledgement for an id we do not have in flight is ignored: after a reconnect the
  // client may acknowledge a message twice.
  if (auto* a = std::get_if<puback>(&ack)) {
    s.on_puback(a->packet_id, now);
  } else if (auto* r = std::get_if<pubrec>(&ack)) {
    if (static_cast<std::uint8_t>(r->reason) >= 0x80)
      s.abandon(r->packet_id, now);
    else
      s.on_pubrec(r->packet_id, now);
  } else if (auto* c = std::get_if<pubcomp>(&ack)) {
    s.on_pubcomp(c->packet_id, now);
  }
  return reason_code::success;
}

void broker::subscribe(session& s, const mqtt::subscribe& p, steady_time now, const session_sink* via) {
  std::lock_guard lock(mutex_);
  if (moved_on(s, via)) return;
  suback ack{p.packet_id, {}, {}};
  struct retained_delivery {
    message_ptr m;
    qos q;
    std::vector<std::uint32_t> ids;
  };
  std::vector<retained_delivery> retained;
  std::vector<stored_subscription> kept;  // into the session in one pass, after the loop
  std::optional<std::uint32_t> identifier;
  if (!p.properties.subscription_identifiers.empty()) identifier = p.properties.subscription_identifiers.front();

  for (const auto& entry : p.entries) {
    auto shared = parse_shared_subscription(entry.filter);
    std::string filter = shared ? std::string(shared->filter) : entry.filter;
    std::string group = shared ? std::string(shared->group) : std::string();
    if (static_cast<std::size_t>(std::count(filter.begin(), filter.end(), '/')) >= limits_.max_topic_levels) {
      ack.reasons.push_back(reason_code::topic_filter_invalid);
      continue;
    }
    // A shared subscription is judged by the filter it shares, not its "$share/..." spelling.
    if (!policy_.may_subscribe(s.who, filter)) {
      ++stats_.denied;
      ack.reasons.push_back(reason_code::not_authorized);
      continue;
    }
    subscription_options options{static_cast<std::uint8_t>(entry.max_qos), entry.no_local, entry.retain_as_published,
                                 identifier};
    bool is_new = subscriptions_.subscribe(filter, s.id(), options, group);
    kept.push_back({filter, group, options});
    ack.reasons.push_back(granted(entry.max_qos));

    bool send_retained = entry.retain_handling == retain_handling::send_on_subscribe ||
                         (entry.retain_handling == retain_handling::send_if_new_subscription && is_new);
    if (shared || !send_retained) continue;  // shared subscriptions get no retained messages
    for (auto& m : retained_.matching(filter, now)) {
      if (!policy_.may_receive(s.who, m->topic)) continue;
      std::vector<std::uint32_t> ids;
      if (identifier) ids.push_back(*identifier);
      retained.push_back({m, min_qos(m->qos, options.max_qos), std::move(ids)});
    }
  }
  s.remember(std::move(kept));
  s.send(ack);
  for (auto& r : retained) {  // after the SUBACK, with the retain flag set [MQTT-3.3.1-9]
    auto result = s.deliver(r.m, r.q, true, std::move(r.ids), now);
    if (result == session::delivery::sent || result == session::delivery::queued)
      stats_.messages_out[static_cast<int>(r.q)]++;
  }
}

void broker::unsubscribe(session& s, const mqtt::unsubscribe& p, const session_sink* via) {
  std::lock_guard lock(mutex_);
  if (moved_on(s, via)) return;
  unsuback ack{p.packet_id, {}, {}};
  // Found by the filter and group they were stored under: "$share/g/x" is x shared in g.
  std::vector<session::subscription_key> keys;
  keys.reserve(p.filters.size());
  for (const auto& f : p.filters) {
    auto shared = parse_shared_subscription(f);
    keys.emplace_back(shared ? shared->filter : std::string_view(f), shared ? shared->group : std::string_view());
  }
  const auto existed = s.forget(keys);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (existed[i]) subscriptions_.unsubscribe(keys[i].first, s.id(), keys[i].second);
    ack.reasons.push_back(existed[i] ? reason_code::success : reason_code::no_subscription_existed);
  }
  s.send(ack);
}

void broker::send(session& s, const packet& p, const session_sink* via) {
  std::lock_guard lock(mutex_);
  if (moved_on(s, via)) return;
  s.send(p);
}

std::string broker::take_output(session& s, const session_sink* sink) {
  std::lock_guard lock(mutex_);
  if (s.sink().get() != sink) return {};
  return s.take_outbox();
}

void broker::give_back_output(session& s, const session_sink* sink, std::string unsent) {
  std::lock_guard lock(mutex_);
  if (s.sink().get() == sink) s.give_back(std::move(unsent));
}

void broker::publish_internal(const message_ptr& m, steady_time now) {
  std::lock_guard lock(mutex_);
  if (m->retain) retained_.put(m);
  route(m, now);
}

std::size_t broker::route(const message_ptr& m, steady_time now, std::vector<std::weak_ptr<session>>* congested) {
  std::size_t matched = 0;
  for (auto& match : subscriptions_.match(m->topic)) {
    session* found = sessions_.find(match.who);
    if (!found) continue;
    session& target = *found;
    if (match.no_local && target.client_id() == m->publisher) continue;  // [MQTT-3.8.3-3]
    if (!policy_.may_receive(target.who, m->topic)) continue;
    ++matched;
    qos q = min_qos(m->qos, match.max_qos);
    bool retain = match.retain_as_published && m->retain;
    switch (target.deliver(m, q, retain, std::move(match.identifiers), now)) {
      case session::delivery::sent:
      case session::delivery::queued:
        stats_.messages_out[static_cast<int>(q)]++;
        stats_.bytes_out += m->payload->size();
        break;
      case session::delivery::dropped_queue_full:
        ++stats_.dropped_queue_full;
        break;
      case session::delivery::dropped_slow_reader:
        ++stats_.dropped_slow_reader;
        break;
      case session::delivery::dropped_too_large:
        ++stats_.dropped_too_large;
        break;
      case session::delivery::dropped_expired:
        ++stats_.dropped_expired;
        break;
    }
    if (congested && target.congested()) congested->push_back(target.weak_from_this());
  }
  return matched;
}

bool broker::still_congested(const std::vector<std::weak_ptr<session>>& sessions) const {
  std::lock_guard lock(mutex_);
  for (const auto& w : sessions)
    if (auto s = w.lock(); s && s->congested()) return true;
  return false;
}

void broker::disconnect_slow(const std::vector<std::weak_ptr<session>>& sessions) {
  std::lock_guard lock(mutex_);
  for (const auto& w : sessions) {
    if (auto s = w.lock(); s && s->congested()) {
      if (auto sink = s->sink()) sink->close(reason_code::quota_exceeded);
      ++stats_.slow_disconnects;
    }
  }
}

void broker::publish_will(session& s, steady_time now) {
  if (!s.will) return;
  const will_message& w = s.will->message;
  mqtt::publish p{false, w.qos, w.retain, w.topic, std::nullopt, w.properties, w.payload};
  p.properties.will_delay_interval.reset();
  s.will.reset();
  if (!policy_.may_publish(s.who, p.topic)) {
    ++stats_.denied;
    return;
  }
  auto m = make_message(p, s.client_id(), now);
  if (m->retain) retained_.put(m);
  route(m, now);
}

void broker::remove_subscriptions(session& s) {
  for (const auto& sub : s.subscriptions) subscriptions_.unsubscribe(sub.filter, s.id(), sub.share_group);
  s.subscriptions.clear();
}

void broker::end_session(const std::string& client_id, steady_time now) {
  auto ending = sessions_.find(client_id);  // holds it until the end, also if `client_id` is its own
  if (!ending) return;
  session& s = *ending;
  if (s.will && s.will->due) publish_will(s, now);  // the session ends before the will's delay [MQTT-3.1.2-?]
  remove_subscriptions(s);
  sessions_.remove(s);
}

std::size_t broker::disconnect_identity(const identity& who, reason_code reason) {
  std::lock_guard lock(mutex_);
  std::size_t closed = 0;
  sessions_.for_each([&](session& s) {
    if (!s.who.same_as(who)) return;
    if (auto sink = s.sink()) {
      sink->close(reason);
      ++closed;
    }
  });
  return closed;
}

std::size_t broker::end_sessions_of(const identity& who, reason_code reason, steady_time now) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> ending;
  sessions_.for_each([&](session& s) {
    if (!s.who.same_as(who)) return;
    if (auto sink = s.sink()) {
      sink->close(reason);
      s.detach();
    }
    s.will.reset();  // access taken away: no last word either
    ending.push_back(s.client_id());
  });
  for (const auto& id : ending) end_session(id, now);
  return ending.size();
}

bool broker::disconnect_client(const std::string& client_id, const identity& who, reason_code reason) {
  std::lock_guard lock(mutex_);
  auto s = sessions_.find(client_id);
  if (!s || !s->who.same_as(who)) return false;
  auto sink = s->sink();
  if (!sink) return false;
  sink->close(reason);
  return true;
}

void broker::tick(steady_time now, std::uint32_t unix_now_s, const std::function<bool(const identity&)>& user_gone) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> expired;
  sessions_.for_each([&](session& s) {
    if (user_gone && s.who.what == identity::kind::user && user_gone(s.who)) {
      if (auto sink = s.sink()) {
        sink->close(reason_code::administrative_action);
        s.detach();
      }
      s.will.reset();
      expired.push_back(s.client_id());
      return;
    }
    if (s.will && s.will->due && *s.will->due <= now) publish_will(s, now);
    if (!s.connected() && s.expires_at <= now) expired.push_back(s.client_id());
    if (unix_now_s != 0 && s.who.valid_until_s != 0 && s.who.valid_until_s <= unix_now_s)
      if (auto sink = s.sink()) sink->close(reason_code::maximum_connect_time);
  });
  for (const auto& id : expired) end_session(id, now);
}

std::size_t broker::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

std::size_t broker::connected_count() const {
  std::lock_guard lock(mutex_);
  std::size_t connected = 0;
  sessions_.for_each([&](const session& s) { connected += s.connected() ? 1 : 0; });
  return connected;
}

std::size_t broker::subscription_count() const {
  std::lock_guard lock(mutex_);
  return subscriptions_.size();
}

std::size_t broker::retained_count() const {
  std::lock_guard lock(mutex_);
  return retained_.size();
}

}  // namespace mothership::mqtt
