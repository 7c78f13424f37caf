#pragma once
// A consumer inside the server that takes some published messages straight from the broker,
// as decoded (the payload is shared, never copied or re-encoded), and decides when their
// publisher is acknowledged: telemetry ingest answers a QoS 1 PUBLISH only once its rows are
// durable. The message is still routed to subscribers as usual.
//
// offer() runs under the broker's lock: it must be quick, never block and never call back
// into the broker. The acknowledgement comes later, from any thread, through
// broker::acknowledge_tapped().
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "mqtt/broker/identity.hpp"
#include "mqtt/broker/message.hpp"

namespace mothership::mqtt {

class session;
class session_sink;

// Where a deferred PUBACK (QoS 1) or PUBREC (QoS 2) goes. It is sent only if the session is
// still on the connection that published: after a reconnect the client resends the message.
struct tapped_ack {
  std::weak_ptr<session> to;
  const session_sink* via = nullptr;
  std::uint16_t packet_id = 0;
  mqtt::qos qos = qos::at_least_once;
};

// What a tap decided about a message it deferred, once it knows.
struct tapped_outcome {
  tapped_ack ack;
  reason_code reason = reason_code::success;  // 0x99 payload format invalid, 0x97 quota exceeded ...
  std::string reason_string;                  // for MQTT 5 clients, beside a refusal
};

class publish_tap {
 public:
  virtual ~publish_tap() = default;

  enum class verdict {
    pass,      // not for this tap: the broker acknowledges as usual
    deferred,  // taken: the tap acknowledges (QoS 1 and 2) through acknowledge_tapped()
    accepted,  // taken (QoS 0, or nothing to wait for): the broker acknowledges as usual
    refused,   // not taken and not routed: acknowledged with `reason` (MQTT 5) and dropped
  };
  struct decision {
    verdict what = verdict::pass;
    reason_code reason = reason_code::success;
    std::string reason_string;  // for MQTT 5 clients, beside a refusal
  };

  // `ack` is set for QoS 1 and 2; a tap that defers must acknowledge it exactly once.
  virtual decision offer(const message_ptr& m, const identity& who, const tapped_ack* ack) = 0;
  // True while the tap's queue is over its bound: the connection that published to it stops
  // reading until it is not (backpressure through TCP; QoS 1 publishers also wait for PUBACKs).
  virtual bool full() const = 0;
};

}  // namespace mothership::mqtt
