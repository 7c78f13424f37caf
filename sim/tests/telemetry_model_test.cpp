#include "telemetry_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace mothership::sim {
namespace {

using std::chrono::seconds;

// Readings every `step` for `span`, as a device sending telemetry that often would take them.
std::vector<telemetry_reading> run(telemetry_model& model, seconds step, seconds span) {
  std::vector<telemetry_reading> readings;
  for (seconds t = step; t <= span; t += step) readings.push_back(model.reading_at(t));
  return readings;
}

std::vector<telemetry_reading> run(std::uint64_t seed, std::uint64_t device, double faults_per_hour, seconds step,
                                   seconds span) {
  telemetry_model model(seed, device, faults_per_hour);
  return run(model, step, span);
}

bool same(const telemetry_reading& a, const telemetry_reading& b) {
  return a.temperature_c == b.temperature_c && a.battery_percent == b.battery_percent && a.rssi_dbm == b.rssi_dbm &&
         a.uptime_s == b.uptime_s && a.door_open == b.door_open && a.overheating == b.overheating;
}

// An overheat fault as the readings show it: from its first to its last overheating reading.
struct episode {
  std::size_t first, last;
};

std::vector<episode> faults_in(const std::vector<telemetry_reading>& readings) {
  std::vector<episode> found;
  for (std::size_t i = 0; i < readings.size(); ++i) {
    if (!readings[i].overheating) continue;
    if (found.empty() || found.back().last + 1 != i)
      found.push_back({i, i});
    else
      found.back().last = i;
  }
  return found;
}

TEST(telemetry_model, values_stay_in_their_ranges_without_faults) {
  for (std::uint64_t device = 0; device < 20; ++device) {
    for (const auto& r : run(7, device, 0, seconds(30), seconds(3 * 24 * 3600))) {
      EXPECT_GE(r.temperature_c, 14.0);
      EXPECT_LE(r.temperature_c, 30.0);
      EXPECT_EQ(r.temperature_c, std::round(r.temperature_c * 100) / 100);  // 2 decimals
      EXPECT_GE(r.battery_percent, 15.0);
      EXPECT_LE(r.battery_percent, 100.0);
      EXPECT_GE(r.rssi_dbm, -95);
      EXPECT_LE(r.rssi_dbm, -40);
      EXPECT_FALSE(r.overheating);
    }
  }
}

TEST(telemetry_model, uptime_is_the_time_asked_for) {
  telemetry_model model(1, 0, 0.5);
  EXPECT_EQ(model.reading_at(seconds(5)).uptime_s, 5);
  EXPECT_EQ(model.reading_at(seconds(3600)).uptime_s, 3600);
}

TEST(telemetry_model, same_seed_same_readings) {
  auto a = run(42, 3, 2.0, seconds(5), seconds(6 * 3600));
  auto b = run(42, 3, 2.0, seconds(5), seconds(6 * 3600));
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(same(a[i], b[i])) << "reading " << i;
}

TEST(telemetry_model, devices_and_seeds_differ) {
  auto first = run(42, 3, 0.5, seconds(60), seconds(600));
  auto other_device = run(42, 4, 0.5, seconds(60), seconds(600));
  auto other_seed = run(43, 3, 0.5, seconds(60), seconds(600));
  auto differs = [](const std::vector<telemetry_reading>& x, const std::vector<telemetry_reading>& y) {
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!same(x[i], y[i])) return true;
    return false;
  };
  EXPECT_TRUE(differs(first, other_device));
  EXPECT_TRUE(differs(first, other_seed));
}

TEST(telemetry_model, baselines_spread_over_the_fleet) {
  double coolest = 100, warmest = -100;
  int weakest = 0, strongest = -200;
  for (std::uint64_t device = 0; device < 50; ++device) {
    auto r = telemetry_model(0, device, 0).reading_at(seconds(1));
    coolest = std::min(coolest, r.temperature_c);
    warmest = std::max(warmest, r.temperature_c);
    weakest = std::min(weakest, r.rssi_dbm);
    strongest = std::max(strongest, r.rssi_dbm);
  }
  EXPECT_GT(warmest - coolest, 4.0);
  EXPECT_GT(strongest - weakest, 15);
}

TEST(telemetry_model, temperature_drifts_slowly) {
  auto readings = run(5, 0, 0, seconds(5), seconds(24 * 3600));
  for (std::size_t i = 1; i < readings.size(); ++i)
    EXPECT_LT(std::abs(readings[i].temperature_c - readings[i - 1].temperature_c), 1.0) << "reading " << i;
}

TEST(telemetry_model, overheat_stays_above_85_for_two_to_four_minutes_then_recovers) {
  const seconds step(5);
  auto readings = run(11, 2, 6.0, step, seconds(24 * 3600));
  auto faults = faults_in(readings);
  ASSERT_GE(faults.size(), 50u);  // about six an hour, less the cooling time
  for (const auto& f : faults) {
    for (std::size_t i = f.first; i <= f.last; ++i) EXPECT_GT(readings[i].temperature_c, 85.0) << "reading " << i;
    const auto lasted = readings[f.last].uptime_s - readings[f.first].uptime_s;
    EXPECT_GE(lasted, 120 - step.count());
    EXPECT_LT(lasted, 240);
    // Back in the room's range within five minutes.
    bool recovered = false;
    for (std::size_t i = f.last + 1; i < readings.size() && readings[i].uptime_s <= readings[f.last].uptime_s + 300;
         ++i)
      recovered = recovered || readings[i].temperature_c < 31.0;
    if (f.last + 60 < readings.size()) {
      EXPECT_TRUE(recovered) << "fault ending at reading " << f.last;
    }
  }
}

TEST(telemetry_model, fault_rate_is_about_what_was_asked) {
  std::size_t faults = 0;
  for (std::uint64_t device = 0; device < 50; ++device)
    faults += faults_in(run(3, device, 0.5, seconds(5), seconds(24 * 3600))).size();
  EXPECT_GT(faults, 50u * 12 * 0.8);  // 0.5 per hour for 24 hours
  EXPECT_LT(faults, 50u * 12 * 1.2);
}

TEST(telemetry_model, no_faults_at_rate_zero) {
  EXPECT_TRUE(faults_in(run(3, 0, 0, seconds(5), seconds(7 * 24 * 3600))).empty());
}

TEST(telemetry_model, battery_discharges_then_recharges_to_full) {
  auto readings = run(9, 1, 0, seconds(60), seconds(10 * 24 * 3600));  // the slowest drain takes 6 days
  int recharges = 0;
  for (std::size_t i = 1; i < readings.size(); ++i) {
    const double before = readings[i - 1].battery_percent, after = readings[i].battery_percent;
    if (after > before) {
      ++recharges;
      EXPECT_LT(before, 15.1);
      EXPECT_EQ(after, 100.0);
    } else {
      EXPECT_LE(before - after, 0.1 + 1e-9);  // at most 0.05 % a minute, rounded to one decimal
    }
  }
  EXPECT_GE(recharges, 1);
}

TEST(telemetry_model, door_flips_rarely) {
  auto readings = run(4, 0, 0, seconds(5), seconds(24 * 3600));
  int flips = 0, open = 0;
  for (std::size_t i = 1; i < readings.size(); ++i) {
    flips += readings[i].door_open != readings[i - 1].door_open;
    open += readings[i].door_open;
  }
  EXPECT_GE(flips, 2);   // opened about every two hours
  EXPECT_LE(flips, 60);  // and closed again
  EXPECT_LT(open, static_cast<int>(readings.size()) / 10);
}

}  // namespace
}  // namespace mothership::sim
