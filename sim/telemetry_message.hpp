#pragma once
// The JSON a simulated device publishes on devices/<id>/telemetry: one object of named values,
//   {"temperature":21.73,"battery":87.2,"rssi":-67,"uptime_s":3600,"door_open":false}
// or, when it sends readings in batches, an array of them with the time each was taken,
//   [{"ts":1733580000000,"values":{...}}, ...]
#include <cstdint>
#include <string>
#include <vector>

#include "telemetry_model.hpp"

namespace mothership::sim {

struct timed_reading {
  std::int64_t unix_ms = 0;
  telemetry_reading values;
};

std::string telemetry_object(const telemetry_reading& r);
std::string telemetry_batch(const std::vector<timed_reading>& readings);

}  // namespace mothership::sim
