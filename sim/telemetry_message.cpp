#include "telemetry_message.hpp"

#include <cinttypes>
#include <cstdio>

namespace mothership::sim {

// Written by hand rather than with Boost.JSON, which prints 21.73 as 2.173E1: valid JSON, but not
// what a device sends or a person reading the broker's traffic expects.
std::string telemetry_object(const telemetry_reading& r) {
  char text[160];
  std::snprintf(text, sizeof text,
                R"({"temperature":%.2f,"battery":%.1f,"rssi":%d,"uptime_s":%)" PRId64 R"(,"door_open":%s})",
                r.temperature_c, r.battery_percent, r.rssi_dbm, r.uptime_s, r.door_open ? "true" : "false");
  return text;
}

std::string telemetry_batch(const std::vector<timed_reading>& readings) {
  std::string out = "[";
  for (const auto& reading : readings) {
    if (out.size() > 1) out += ',';
    out += R"({"ts":)" + std::to_string(reading.unix_ms) + R"(,"values":)" + telemetry_object(reading.values) + "}";
  }
  return out + "]";
}

}  // namespace mothership::sim
