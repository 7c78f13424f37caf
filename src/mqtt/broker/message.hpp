#pragma once
// An application message as the broker routes it. The payload is shared by every delivery,
// so fan-out to a thousand subscribers copies no payload bytes.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "mqtt/codec/packets.hpp"

namespace mothership::mqtt {

using steady_time = std::chrono::steady_clock::time_point;

struct message {
  std::string topic;
  std::shared_ptr<const std::string> payload;
  mqtt::qos qos = qos::at_most_once;
  bool retain = false;
  // MQTT 5 properties forwarded to subscribers: payload format, content type, response topic,
  // correlation data, user properties. Expiry is kept as a deadline instead (below); topic
  // aliases and subscription identifiers are per connection and never stored.
  mqtt::properties properties;
  std::optional<steady_time> expires_at;
  std::string publisher;  // client id, for no-local subscriptions

  bool expired(steady_time now) const { return expires_at && *expires_at <= now; }
};

using message_ptr = std::shared_ptr<const message>;

// Builds the routed message from a received PUBLISH (its topic already resolved from an alias).
message_ptr make_message(const publish& p, std::string publisher, steady_time now);

}  // namespace mothership::mqtt
