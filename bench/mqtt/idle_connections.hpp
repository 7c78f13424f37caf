#pragma once
// Idle MQTT connections: what each costs the broker in resident memory, and how many it holds.
// Connections CONNECT with keep-alive 0 (no PINGs) and then send nothing.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace mothership::bench {

struct idle_shape {
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;
  bool tls = false;           // TLS without verifying the broker's certificate (it is self-signed)
  int broker_pid = 0;         // whose VmRSS (/proc/PID/status) is measured
  int measure_at = 10000;     // connections open when memory is measured
  int hold = 19000;           // then open up to this many and keep them
  double settle_seconds = 2;  // before each memory reading and before counting what is held
  double hold_seconds = 5;
  int concurrency = 200;  // connection attempts in progress at once
};

struct idle_result {
  long rss_before_kb = 0;  // with no connection
  long rss_measured_kb = 0;
  int measured_connections = 0;  // open when rss_measured_kb was read
  double bytes_per_connection = 0;
  double connect_per_s = 0;  // CONNECT to CONNACK, up to measure_at
  int opened = 0;            // connections that got a CONNACK
  int held = 0;              // still open after hold_seconds
  int failures = 0;
  std::string first_error;
};

// `progress(open_connections)` is called about once a second while connections open.
idle_result run_idle_connections(const idle_shape& shape, const std::function<void(int)>& progress);

// The VmRSS of a process in kB, or nothing when it cannot be read.
std::optional<long> resident_kb(int pid);

}  // namespace mothership::bench
