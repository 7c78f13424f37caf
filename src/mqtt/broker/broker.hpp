#pragma once
// The broker's core, for both protocol versions: sessions by client id, the subscription
// index, retained messages, wills and session expiry. It takes decoded packets from a
// connection (or the in-process client) and answers by writing packets into the sessions'
// outboxes; it never touches a socket, and it has no clock of its own (callers pass `now`
// and call tick() about once a second).
//
// Thread-safe: one mutex serialises every call. Session sinks are called under it.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "mqtt/broker/identity.hpp"
#include "mqtt/broker/publish_tap.hpp"
#include "mqtt/broker/retained_store.hpp"
#include "mqtt/broker/session.hpp"
#include "mqtt/broker/session_table.hpp"
#include "mqtt/broker/topic_tree.hpp"

namespace mothership::mqtt {

struct broker_limits {
  session_limits session;
  std::size_t max_retained = 100000;
  std::uint16_t receive_maximum = 1024;     // QoS 1/2 PUBLISHes a client may have unacknowledged
  std::uint16_t topic_alias_maximum = 64;   // client -> server aliases per connection
  std::uint32_t max_packet_size = 1 << 20;  // largest packet we accept
  std::uint32_t max_session_expiry_s = 7 * 24 * 3600;
  // 0 = the client's keep-alive stands; else at most this (MQTT 5: Server Keep Alive; a 3.1.1
  // client asking for more, or for none, is refused: 3.1.1 cannot be told).
  std::uint16_t max_keep_alive_s = 0;
  std::size_t max_topic_levels = 128;  // deeper filters are refused; bounds the index's depth
};

struct broker_stats {
  std::atomic<std::uint64_t> messages_in[3] = {0, 0, 0};  // by QoS
  std::atomic<std::uint64_t> messages_out[3] = {0, 0, 0};
  std::atomic<std::uint64_t> bytes_in{0};   // payload bytes received
  std::atomic<std::uint64_t> bytes_out{0};  // payload bytes delivered or queued to subscribers
  std::atomic<std::uint64_t> dropped_queue_full{0};
  std::atomic<std::uint64_t> dropped_slow_reader{0};  // QoS 0 to a connected client whose socket is full
  std::atomic<std::uint64_t> dropped_too_large{0};
  std::atomic<std::uint64_t> dropped_expired{0};
  std::atomic<std::uint64_t> denied{0};            // PUBLISH or SUBSCRIBE refused by the authorizer
  std::atomic<std::uint64_t> slow_disconnects{0};  // subscribers closed for not draining their queue
};

class broker {
 public:
  broker(broker_limits limits, const authorizer& policy);

  struct connect_outcome {
    std::shared_ptr<session> attached;  // null when the CONNECT was refused (CONNACK says why)
    reason_code reason = reason_code::success;
    std::string connack_bytes;       // when refused: the CONNACK to send before closing
    std::uint16_t keep_alive_s = 0;  // what the connection must enforce (the server's may win)
  };
  // Attaches a connection to a new or resumed session and writes CONNACK into its outbox.
  // The session holds `sink` weakly: the caller keeps it alive while connected.
  connect_outcome connect(const mqtt::connect& c, identity who, std::shared_ptr<session_sink> sink, steady_time now);

  // The connection of `sink` ended. `send_will` is false after DISCONNECT with reason 0x00;
  // `expiry_override` is a v5 DISCONNECT's session expiry.
  void connection_closed(session& s, const session_sink* sink, bool send_will,
                         std::optional<std::uint32_t> expiry_override, steady_time now);

  // A PUBLISH from the client of `s`. Writes PUBACK / PUBREC as due. Returns success, or the
  // reason the connection must be closed with (a protocol error such as a bad topic alias).
  // Connected subscribers whose queue is full are added to `congested`: the caller should
  // stop reading from this publisher until they drain (wait_while_congested).
  //
  // `via`, on this and the calls below, is the calling connection's sink: a call from a
  // connection the session no longer belongs to (taken over, packets it read before it
  // heard) is ignored under the broker's lock. Null skips the check (the in-process client).
  // `tap_full`, if given, is set when the message went to a tap that is over its bound: the
  // caller should stop reading from this publisher until tap_full() is false.
  reason_code publish(session& s, mqtt::publish p, steady_time now,
                      std::vector<std::weak_ptr<session>>* congested = nullptr, const session_sink* via = nullptr,
                      bool* tap_full = nullptr);
  // True while any of these sessions is still congested.
  bool still_congested(const std::vector<std::weak_ptr<session>>& sessions) const;
  // Ends the connection of a subscriber that stayed congested too long (MQTT 5: 0x97).
  void disconnect_slow(const std::vector<std::weak_ptr<session>>& sessions);
  reason_code pubrel(session& s, const mqtt::pubrel& p, const session_sink* via = nullptr);
  // PUBACK, PUBREC, PUBCOMP
  reason_code acknowledged(session& s, const packet& ack, steady_time now, const session_sink* via = nullptr);
  void subscribe(session& s, const mqtt::subscribe& p, steady_time now, const session_sink* via = nullptr);
  void unsubscribe(session& s, const mqtt::unsubscribe& p, const session_sink* via = nullptr);
  void send(session& s, const packet& p, const session_sink* via = nullptr);  // e.g. PINGRESP
  // The bytes waiting for the connection of `sink`; nothing if the session has moved on to
  // another connection (a takeover that resumed it), whose bytes they are.
  std::string take_output(session& s, const session_sink* sink);
  std::string take_output(session& s) { return take_output(s, s.sink().get()); }
  // Bytes taken with take_output that the socket did not accept: they go out before anything
  // queued since. Dropped if the session has moved on to another connection.
  void give_back_output(session& s, const session_sink* sink, std::string unsent);

  // The consumer of some published messages inside the server (telemetry ingest). Set before
  // clients connect, cleared (null) before the tap goes; it must outlive its use.
  void set_tap(publish_tap* tap);
  bool tap_full() const;
  // The acknowledgements a tap deferred (publish_tap::verdict::deferred), sent now to those
  // still connected. Any thread; never call it from inside offer().
  void acknowledge_tapped(const std::vector<tapped_outcome>& done);

  // A message from inside the server (wills, the in-process client): routed like any other.
  void publish_internal(const message_ptr& m, steady_time now);
  // Ends every connection of an identity at once (e.g. a revoked certificate).
  std::size_t disconnect_identity(const identity& who, reason_code reason);
  // Ends every connection and every session of an identity, without wills (a user disabled,
  // deleted or given another role). Returns the number of sessions removed.
  std::size_t end_sessions_of(const identity& who, reason_code reason, steady_time now);
  // Ends the connection holding `client_id` if it is `who`'s (a revoked access token).
  bool disconnect_client(const std::string& client_id, const identity& who, reason_code reason);
  // Session expiry and delayed wills; with `unix_now_s`, also ends the connections whose
  // credentials ran out (identity::valid_until_s) with 0xA0 maximum connect time; with
  // `user_gone`, ends the sessions of users it names (disabled or deleted while their CONNECT
  // was being checked, after the revocation had looked for them) with 0x98.
  void tick(steady_time now, std::uint32_t unix_now_s = 0, const std::function<bool(const identity&)>& user_gone = {});

  const broker_stats& stats() const { return stats_; }
  std::size_t session_count() const;
  std::size_t connected_count() const;
  std::size_t subscription_count() const;
  std::size_t retained_count() const;
  const broker_limits& limits() const { return limits_; }

 private:
  // Returns the number of matching subscribers; adds congested ones to `congested`.
  std::size_t route(const message_ptr& m, steady_time now, std::vector<std::weak_ptr<session>>* congested = nullptr);
  void publish_will(session& s, steady_time now);
  // PUBACK (QoS 1) or PUBREC (QoS 2) for a message the client sent; nothing for QoS 0.
  static void acknowledge(session& s, qos q, std::uint16_t packet_id, reason_code reason, std::string reason_string);
  // The session belongs to another connection than `via` now (or to none). Under mutex_.
  static bool moved_on(const session& s, const session_sink* via) { return via && s.sink().get() != via; }
  void end_session(const std::string& client_id, steady_time now);
  void remove_subscriptions(session& s);
  std::string assign_client_id();

  broker_limits limits_;
  const authorizer& policy_;
  mutable std::mutex mutex_;
  session_table sessions_;
  topic_tree subscriptions_;
  retained_store retained_;
  std::uint64_t assigned_ids_ = 0;
  broker_stats stats_;
  publish_tap* tap_ = nullptr;  // under mutex_
};

// Reasons that end a connection when broker calls return them.
bool is_fatal(reason_code r);

}  // namespace mothership::mqtt
