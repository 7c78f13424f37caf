#pragma once
// What an alert rule watches, parsed from its text (see parse_condition.hpp):
//
//   temperature > 80 for 5m     a telemetry value compared with a constant, optionally held for a while
//   door_open == true           booleans and texts compare with == and != only
//   mode != "eco"
//   offline for 10m             the device has been disconnected this long
//   heartbeat missing 3x        connected, but no heartbeat for 3 x the rule's heartbeat interval
//
// Durations are whole seconds, 1 s to 30 days.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace mothership::rules {

// A telemetry sample's value as the engine sees it.
using value = std::variant<double, bool, std::string>;

enum class comparison { greater, greater_or_equal, less, less_or_equal, equal, not_equal };

struct telemetry_condition {
  std::string key;  // "temperature", "battery.level"
  comparison op = comparison::greater;
  value operand;           // a finite double for every op; a bool or a text for equal and not_equal only
  std::int64_t for_s = 0;  // how long it must hold before the alert is raised; 0 = at once

  bool operator==(const telemetry_condition&) const = default;
};

struct offline_condition {
  std::int64_t for_s = 0;

  bool operator==(const offline_condition&) const = default;
};

struct heartbeat_condition {
  int missed = 0;  // heartbeat intervals without a heartbeat

  bool operator==(const heartbeat_condition&) const = default;
};

using condition = std::variant<telemetry_condition, offline_condition, heartbeat_condition>;

inline constexpr std::int64_t max_duration_s = 30 * 24 * 3600;
inline constexpr std::size_t max_key_length = 64;
inline constexpr std::size_t max_text_length = 256;
inline constexpr int max_heartbeats_missed = 1000;

// Whether a sample satisfies the condition. nullopt when they cannot be compared (a text
// sample for a numeric rule, a NaN): such a sample says nothing, so it neither raises nor clears.
std::optional<bool> evaluate(const telemetry_condition& c, const value& sample);

// The canonical text, which parse_condition reads back to an equal condition:
// single spaces, shortest round-trip numbers, the largest unit that divides the duration.
std::string describe(const condition& c);

std::string_view to_string(comparison op);          // ">", ">=", ...
std::string format_value(const value& v);           // 85.3, true, "eco"
std::string format_duration(std::int64_t seconds);  // 90s, 5m, 2h, 1d

}  // namespace mothership::rules
