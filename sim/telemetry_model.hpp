#pragma once
// The values one simulated device reports as telemetry, made up but shaped like a real
// thermostat's: a room temperature drifting slowly around the device's own baseline, a battery
// that discharges and is recharged, a radio signal that wobbles around the device's own level,
// a door that is opened now and then, and now and then an overheat fault (the temperature climbs
// above 85 °C for 2–4 minutes, then the device cools down again).
//
// Everything is drawn from one std::mt19937_64 seeded from (seed, device index): the same seed
// and the same reading times give the same readings on every run, and two devices differ.
#include <chrono>
#include <cstdint>
#include <random>

namespace mothership::sim {

struct telemetry_reading {
  double temperature_c = 0;    // 2 decimals
  double battery_percent = 0;  // 1 decimal, 15..100
  int rssi_dbm = 0;            // about -95..-40
  std::int64_t uptime_s = 0;   // since the simulated boot
  bool door_open = false;
  bool overheating = false;  // in an overheat fault (the temperature says so; not sent on its own)
};

class telemetry_model {
 public:
  // `fault_rate_per_hour`: how many overheat faults the device has per hour on average (0: none).
  telemetry_model(std::uint64_t seed, std::uint64_t device_index, double fault_rate_per_hour);

  // The reading at `uptime`, every value moved on by the time since the previous reading (the
  // first one: since the boot). Uptimes must not go back.
  telemetry_reading reading_at(std::chrono::seconds uptime);

 private:
  double uniform(double low, double high);
  double gaussian();                             // standard normal
  bool happens(double rate_per_s, double dt_s);  // an event of that rate within dt_s
  void move_temperature(double dt_s);
  void move_fault(double dt_s);

  std::mt19937_64 random_;
  double fault_rate_per_s_;
  std::int64_t last_uptime_s_ = 0;

  double baseline_c_;    // this device's room
  double drift_c_ = 0;   // the slow walk around the baseline
  double excess_c_ = 0;  // heat above the room: the fault's, then what is left while cooling down
  bool in_fault_ = false;
  double fault_elapsed_s_ = 0, fault_duration_s_ = 0, fault_peak_c_ = 0;

  double battery_percent_;
  double discharge_per_s_;
  double rssi_baseline_dbm_;
  bool door_open_ = false;
};

}  // namespace mothership::sim
