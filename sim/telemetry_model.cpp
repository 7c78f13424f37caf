#include "telemetry_model.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace mothership::sim {

namespace {

// The room: the drift reverts to the baseline over about an hour and strays about 1 °C from it
// (never more than 3), so a chart shows slow weather rather than noise; the sensor adds a little.
constexpr double drift_time_s = 3600, drift_sd_c = 1.0, drift_max_c = 3.0;
constexpr double noise_sd_c = 0.1, noise_max_c = 0.3;

// The fault: the temperature jumps past 85 °C (the alarm line a dashboard would draw) and keeps
// climbing towards the device's peak; afterwards the heat fades within a few minutes.
constexpr double overheat_floor_c = 86, climb_time_s = 45, cooling_time_s = 40;
constexpr double fault_min_s = 120, fault_max_s = 240;
// A device still hot from a fault does not overheat again before it has cooled down.
constexpr double cooled_down_c = 1.0;

constexpr double recharge_below_percent = 15;
constexpr double rssi_noise_sd_db = 3, rssi_noise_max_db = 8;
// A door is opened about every two hours and stays open a few minutes.
constexpr double door_opens_per_s = 1.0 / (2 * 3600), door_closes_per_s = 1.0 / (4 * 60);

double bounded(double value, double limit) {
  return std::clamp(value, -limit, limit);
}

double rounded(double value, double scale) {
  return std::round(value * scale) / scale;
}

}  // namespace

telemetry_model::telemetry_model(std::uint64_t seed, std::uint64_t device_index, double fault_rate_per_hour)
    : fault_rate_per_s_(fault_rate_per_hour / 3600) {
  // std::seed_seq's mixing is specified by the standard, so the stream is the same everywhere.
  std::seed_seq seeds{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                      static_cast<std::uint32_t>(device_index), static_cast<std::uint32_t>(device_index >> 32)};
  random_.seed(seeds);
  baseline_c_ = uniform(18, 26);
  battery_percent_ = uniform(20, 100);
  discharge_per_s_ = uniform(0.01, 0.05) / 60;
  rssi_baseline_dbm_ = uniform(-85, -50);
}

// Own uniform and normal draws instead of std::uniform_real_distribution and
// std::normal_distribution, whose output differs between standard libraries.
double telemetry_model::uniform(double low, double high) {
  return low + (high - low) * static_cast<double>(random_() >> 11) * 0x1.0p-53;
}

double telemetry_model::gaussian() {
  double u1 = 1.0 - uniform(0, 1);  // (0, 1]: the logarithm stays finite
  double u2 = uniform(0, 1);
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
}

bool telemetry_model::happens(double rate_per_s, double dt_s) {
  if (rate_per_s <= 0 || dt_s <= 0) return false;
  return uniform(0, 1) < 1 - std::exp(-rate_per_s * dt_s);
}

void telemetry_model::move_fault(double dt_s) {
  if (in_fault_) {
    fault_elapsed_s_ += dt_s;
    if (fault_elapsed_s_ >= fault_duration_s_) in_fault_ = false;  // excess_c_ now fades
  } else if (excess_c_ < cooled_down_c && happens(fault_rate_per_s_, dt_s)) {
    in_fault_ = true;
    fault_elapsed_s_ = 0;
    fault_duration_s_ = uniform(fault_min_s, fault_max_s);
    fault_peak_c_ = uniform(overheat_floor_c + 2, overheat_floor_c + 9);
  }
}

void telemetry_model::move_temperature(double dt_s) {
  // The exact step of an Ornstein-Uhlenbeck walk, right for any interval between readings.
  const double kept = std::exp(-dt_s / drift_time_s);
  drift_c_ = bounded(drift_c_ * kept + drift_sd_c * std::sqrt(1 - kept * kept) * gaussian(), drift_max_c);
  if (in_fault_) {
    const double climbed = (fault_peak_c_ - overheat_floor_c) * (1 - std::exp(-fault_elapsed_s_ / climb_time_s));
    excess_c_ = overheat_floor_c + climbed - (baseline_c_ + drift_c_);
  } else {
    excess_c_ *= std::exp(-dt_s / cooling_time_s);
  }
}

telemetry_reading telemetry_model::reading_at(std::chrono::seconds uptime) {
  const std::int64_t now_s = std::max(uptime.count(), last_uptime_s_);
  const auto dt_s = static_cast<double>(now_s - last_uptime_s_);
  last_uptime_s_ = now_s;

  move_fault(dt_s);
  move_temperature(dt_s);
  battery_percent_ -= discharge_per_s_ * dt_s;
  if (battery_percent_ < recharge_below_percent) battery_percent_ = 100;
  if (happens(door_open_ ? door_closes_per_s : door_opens_per_s, dt_s)) door_open_ = !door_open_;

  telemetry_reading r;
  r.temperature_c = rounded(baseline_c_ + drift_c_ + excess_c_ + bounded(noise_sd_c * gaussian(), noise_max_c), 100);
  r.battery_percent = rounded(battery_percent_, 10);
  r.rssi_dbm =
      static_cast<int>(std::lround(rssi_baseline_dbm_ + bounded(rssi_noise_sd_db * gaussian(), rssi_noise_max_db)));
  r.uptime_s = now_s;
  r.door_open = door_open_;
  r.overheating = in_fault_;
  return r;
}

}  // namespace mothership::sim
