#pragma once
// One client's MQTT session: what it subscribed to, the messages on their way to it (queued,
// then in flight until acknowledged), the QoS 2 packet ids it sent us that await PUBREL, its
// will, and when it expires. A session outlives its network connections when the client asks
// for that (clean start 0 / session expiry > 0).
//
// Sessions never touch sockets. Packets for the client are encoded into an outbox; the
// connection that is attached (if any) is woken to write it.
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mqtt/broker/identity.hpp"
#include "mqtt/broker/message.hpp"
#include "mqtt/broker/topic_tree.hpp"
#include "mqtt/codec/packets.hpp"

namespace mothership::mqtt {

// The connection side of a session. Both calls come with the broker's lock held: they must
// not block and must not call back into the broker. The session holds its sink weakly: the
// connection (or in-process client) owns itself, and a sink that is gone leaves its session
// offline.
class session_sink {
 public:
  virtual ~session_sink() = default;
  virtual void wake() = 0;                     // the outbox has bytes: write them
  virtual void close(reason_code reason) = 0;  // end the connection (any DISCONNECT is already in the outbox)
};

struct session_limits {
  // QoS 1/2 messages waiting per session. An offline session drops what comes beyond it. A
  // connected one is "congested" there: publishers are slowed until it drains, and only past
  // `overflow_factor` times the limit (publishers already in flight) are messages dropped.
  std::size_t max_queued = 1000;
  std::size_t overflow_factor = 8;
  std::uint16_t inflight_v311 = 32;  // unacknowledged QoS 1/2 deliveries to a 3.1.1 client
  // Bytes waiting for the socket. A client that does not read stops receiving here: QoS 0
  // messages are dropped (and counted), QoS 1/2 wait in the queue (bounded above).
  std::size_t max_outbox_bytes = 4 << 20;
};

// A session's will, boxed: most sessions have none, and a will_message is ~560 bytes.
struct stored_will {
  will_message message;
  std::optional<steady_time> due;  // after its connection ended: when a delayed will is published
};

struct stored_subscription {
  std::string filter;       // without the $share prefix
  std::string share_group;  // empty when not shared
  subscription_options options;
};

class session : public std::enable_shared_from_this<session> {
 public:
  enum class delivery { sent, queued, dropped_queue_full, dropped_slow_reader, dropped_too_large, dropped_expired };

  // `limits` are shared by every session (the broker's own) and must outlive this one's use.
  session(std::string client_id, subscriber_id id, identity who, const session_limits& limits);

  const std::string& client_id() const { return client_id_; }
  subscriber_id id() const { return id_; }

  // --- connection lifecycle ------------------------------------------------------------
  // A new connection takes the session (its outbox starts empty, for the CONNACK). Its owner
  // keeps `sink` alive; the session only points at it.
  void attach(const std::shared_ptr<session_sink>& sink, protocol_version version, std::uint16_t receive_maximum,
              std::uint32_t max_packet_size);
  // After the CONNACK: resends what was in flight (PUBLISH with DUP set, or PUBREL), then
  // what is queued.
  void resume(steady_time now);
  void detach();
  bool connected() const { return !sink_.expired(); }
  // Null when offline. Also compared with a caller's own sink, to tell whether the session
  // still belongs to it.
  std::shared_ptr<session_sink> sink() const { return sink_.lock(); }
  protocol_version version() const { return version_; }

  // --- towards the client --------------------------------------------------------------
  delivery deliver(const message_ptr& m, qos granted, bool retain_flag, std::vector<std::uint32_t> identifiers,
                   steady_time now);
  // Acknowledgements of our deliveries; false for an id we did not send (protocol error).
  bool on_puback(std::uint16_t packet_id, steady_time now);
  bool on_pubrec(std::uint16_t packet_id, steady_time now);
  bool on_pubcomp(std::uint16_t packet_id, steady_time now);
  bool abandon(std::uint16_t packet_id, steady_time now);  // PUBREC with an error: delivery over
  void send(const packet& p);                              // control packets: CONNACK, SUBACK, PUBACK ...
  std::string take_outbox();
  void give_back(std::string unsent) {  // in front of what was queued since take_outbox
    unsent += outbox_;
    outbox_.swap(unsent);
  }
  bool has_output() const { return !outbox_.empty(); }

  // --- from the client -----------------------------------------------------------------
  // QoS 2 exactly-once: true the first time an id is seen (route the message), false for a
  // retransmission of a message already routed.
  bool begin_incoming_qos2(std::uint16_t packet_id);
  bool end_incoming_qos2(std::uint16_t packet_id);  // on PUBREL
  std::size_t incoming_qos2_pending() const { return flows_ ? flows_->incoming_qos2.size() : 0; }

  // --- state the broker keeps here -----------------------------------------------------
  // Its kind and name are fixed for the session's life (a client id belongs to one identity),
  // so a connection may read them without the broker's lock; only valid_until_s changes, under
  // the lock, when a connection with new credentials resumes the session.
  identity who;
  // Sorted by filter, then share group. A vector, not a map keyed by the filter as subscribed:
  // most clients have a few, and every session carries the container (24 bytes instead of 48).
  // Changed a packet at a time, in one pass, so that a SUBSCRIBE or UNSUBSCRIBE of thousands
  // of filters does not move the rest once per filter.
  std::vector<stored_subscription> subscriptions;
  // Adds each, or replaces the one of the same filter and group (the last of `subs` wins).
  void remember(std::vector<stored_subscription> subs);
  // Removes the subscriptions of these (filter, share group) keys; says for each whether it
  // was there (a key repeated counts once).
  using subscription_key = std::pair<std::string_view, std::string_view>;
  std::vector<bool> forget(const std::vector<subscription_key>& keys);
  std::uint32_t expiry_interval_s = 0;
  std::unique_ptr<stored_will> will;
  // While disconnected with expiry > 0: when the session ends; max() otherwise (no optional:
  // 8 bytes less on every session).
  steady_time expires_at = steady_time::max();

  // Topic aliases the client set (client -> server); they last one network connection.
  void set_topic_alias(std::uint16_t alias, std::string topic);
  const std::string* topic_of_alias(std::uint16_t alias) const;  // null when not set

  std::size_t queued() const { return flows_ && flows_->queue ? flows_->queue->size() : 0; }
  // Connected, with a full queue: its publishers should wait (see broker::publish).
  bool congested() const {
    return connected() && (queued() >= limits_.max_queued || outbox_.size() >= limits_.max_outbox_bytes);
  }
  std::size_t in_flight() const { return flows_ ? flows_->inflight.size() : 0; }
  std::uint64_t dropped() const { return dropped_; }

 private:
  struct pending {
    message_ptr msg;
    qos granted;
    bool retain;
    std::vector<std::uint32_t> identifiers;
  };
  struct flight {
    pending what;
    bool released = false;  // QoS 2: PUBREC received, PUBREL sent, awaiting PUBCOMP
    std::uint64_t seq = 0;
  };

  // QoS 1/2 traffic: made when the first such message or packet id comes, given back once
  // nothing is queued, in flight or awaiting PUBREL. A quiet session then holds one null
  // pointer instead of a map, a vector and counters (~90 bytes).
  struct qos_flows {
    // Boxed again, and given back when drained (once per write, see take_outbox):
    // libstdc++'s deque allocates ~600 bytes even when empty.
    std::unique_ptr<std::deque<pending>> queue;
    std::map<std::uint16_t, flight> inflight;
    std::uint64_t send_seq = 0;                // orders resends as first sent [MQTT-4.6.0-1]
    std::vector<std::uint16_t> incoming_qos2;  // sorted; at most receive_maximum + 1 ids
    std::uint16_t last_packet_id = 0;
  };
  qos_flows& flows();
  void drop_flows_if_idle();

  void pump(steady_time now);    // moves queued messages into flight while the window allows
  void refill(steady_time now);  // pump, and wake the connection if that wrote anything
  bool write_publish(const pending& p, std::optional<std::uint16_t> packet_id, bool dup, steady_time now);
  std::uint16_t next_packet_id();
  std::size_t window() const;
  void wake();

  // An idle fleet is mostly sessions, so what only some of them use is made on first use
  // (flows_, topic_aliases_), and small members sit together at the end, unpadded.
  std::string client_id_;
  subscriber_id id_;
  const session_limits& limits_;
  std::weak_ptr<session_sink> sink_;  // weak: see session_sink
  std::string outbox_;
  std::unique_ptr<qos_flows> flows_;
  std::unique_ptr<std::unordered_map<std::uint16_t, std::string>> topic_aliases_;
  std::uint64_t dropped_ = 0;
  std::uint32_t max_packet_size_ = 0;  // 0 = no limit
  std::uint16_t receive_maximum_ = 65535;
  protocol_version version_ = protocol_version::v5;
};

}  // namespace mothership::mqtt
