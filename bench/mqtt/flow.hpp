#pragma once
// One timed run of MQTT traffic through a broker: P publishers -> S subscribers, where every
// subscriber receives every message (fan-in: publishers on load/<n>, subscribers on "#";
// fan-out: everyone on load/all). Publishers either pace themselves to an offered total rate
// or send as fast as the broker accepts. All clients run on one thread of this process, so
// a message's delay is measured on one clock.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mothership::bench {

enum class topic_layout { fan_in, fan_out };

struct flow_shape {
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;
  topic_layout layout = topic_layout::fan_in;
  int publishers = 10;
  int subscribers = 1;
  int qos = 0;
  std::size_t payload = 64;
  std::optional<double> rate;    // messages per second offered by all publishers together; none: unpaced
  double seconds = 3;            // the measured window, after every client has connected
  double warm_up_seconds = 0.5;  // at the start of the window, left out of latency and backlog trend
};

struct flow_result {
  double seconds = 0;                     // the window actually measured
  std::uint64_t sent = 0;                 // messages published during the window
  std::uint64_t delivered = 0;            // deliveries (one per subscriber per message) during the window
  std::uint64_t backlog = 0;              // deliveries owed for the window's messages but not made in it
  double backlog_growth = 0;              // deliveries/s by which that backlog grew after the warm-up
  std::uint64_t expected = 0;             // deliveries owed for everything published, window or not
  std::uint64_t received = 0;             // deliveries in total, once late ones stopped arriving
  std::uint64_t lost = 0;                 // QoS >= 1: deliveries missing for messages the broker acknowledged
  std::uint64_t duplicates = 0;           // QoS >= 1: the same message twice to one subscriber
  std::vector<std::uint32_t> latency_us;  // publish to delivery after the warm-up, sorted
  std::string error;                      // a client failed (connect refused, connection lost)

  double offered_per_s(const flow_shape& shape) const;  // deliveries/s owed at the offered rate
  double delivered_per_s() const { return seconds > 0 ? delivered / seconds : 0; }
};

flow_result run_flow(const flow_shape& shape);

// The q-quantile (0..1) of sorted samples; 0 when there are none.
std::uint32_t quantile(const std::vector<std::uint32_t>& sorted, double q);

}  // namespace mothership::bench
