#include "telemetry_message.hpp"

#include <gtest/gtest.h>

namespace mothership::sim {
namespace {

telemetry_reading sample() {
  telemetry_reading r;
  r.temperature_c = 21.73;
  r.battery_percent = 87.2;
  r.rssi_dbm = -67;
  r.uptime_s = 3600;
  r.door_open = false;
  r.overheating = true;  // not sent: the temperature shows it
  return r;
}

TEST(telemetry_message, one_object_of_named_values) {
  EXPECT_EQ(telemetry_object(sample()),
            R"({"temperature":21.73,"battery":87.2,"rssi":-67,"uptime_s":3600,"door_open":false})");
}

TEST(telemetry_message, fixed_decimals) {
  auto r = sample();
  r.temperature_c = 90;
  r.battery_percent = 100;
  r.door_open = true;
  EXPECT_EQ(telemetry_object(r),
            R"({"temperature":90.00,"battery":100.0,"rssi":-67,"uptime_s":3600,"door_open":true})");
}

TEST(telemetry_message, batch_of_timed_readings) {
  auto second = sample();
  second.uptime_s = 3605;
  EXPECT_EQ(telemetry_batch({{1733580000000, sample()}, {1733580005000, second}}),
            R"([{"ts":1733580000000,"values":{"temperature":21.73,"battery":87.2,"rssi":-67,"uptime_s":3600,)"
            R"("door_open":false}},{"ts":1733580005000,"values":{"temperature":21.73,"battery":87.2,"rssi":-67,)"
            R"("uptime_s":3605,"door_open":false}}])");
}

}  // namespace
}  // namespace mothership::sim
