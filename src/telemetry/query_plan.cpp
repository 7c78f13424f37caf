#include "telemetry/query_plan.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>

namespace mothership::telemetry {

namespace {

constexpr std::int64_t second = 1000, minute = 60 * second, hour = 60 * minute, day = 24 * hour;

// The widths chosen when the caller gives none: the smallest that fits `limit` points.
constexpr std::array<std::int64_t, 21> nice_intervals = {
    1 * second, 2 * second, 5 * second,  10 * second, 15 * second, 30 * second, 1 * minute,
    2 * minute, 5 * minute, 10 * minute, 15 * minute, 30 * minute, 1 * hour,    2 * hour,
    3 * hour,   6 * hour,   12 * hour,   1 * day,     2 * day,     7 * day,     30 * day};

std::int64_t floor_to(std::int64_t t, std::int64_t step) {
  std::int64_t q = t / step;
  if (t % step != 0 && t < 0) --q;
  return q * step;
}

std::string days(std::int64_t ms) {
  return fmt::format("{} days", ms / day);
}

}  // namespace

std::string_view name(resolution r) {
  switch (r) {
    case resolution::raw:
      return "raw";
    case resolution::minute:
      return "1m";
    case resolution::hour:
      return "1h";
  }
  return "raw";
}

std::optional<std::int64_t> parse_interval_ms(std::string_view text) {
  if (text == "raw") return 0;
  if (text.empty()) return std::nullopt;
  std::int64_t unit = second;
  switch (text.back()) {
    case 's':
      unit = second;
      break;
    case 'm':
      unit = minute;
      break;
    case 'h':
      unit = hour;
      break;
    case 'd':
      unit = day;
      break;
    default:
      unit = 0;
  }
  std::string_view digits = unit ? text.substr(0, text.size() - 1) : text;
  if (!unit) unit = second;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || n <= 0 || n > 3660LL * day / unit)
    return std::nullopt;
  return n * unit;
}

std::variant<query_plan, std::string> plan_query(const query_request& r, const retention_windows& kept,
                                                 const query_limits& limits) {
  if (r.to <= r.from) return std::string("to must be after from");
  if (r.to - r.from > limits.max_range_ms)
    return fmt::format("the time range is {}; at most {}", days(r.to - r.from), days(limits.max_range_ms));
  if (r.limit < 1 || r.limit > limits.max_points)
    return fmt::format("limit must be between 1 and {} points per key", limits.max_points);

  query_plan plan;
  const std::int64_t range = r.to - r.from;
  std::int64_t interval = 0;
  if (r.interval_ms) {
    interval = *r.interval_ms;
    if (interval >= minute && interval % minute != 0)
      return std::string("an interval of a minute or more must be whole minutes");
  } else {
    interval = nice_intervals.back();
    for (auto candidate : nice_intervals)
      if (range / candidate + 1 <= static_cast<std::int64_t>(r.limit)) {
        interval = candidate;
        break;
      }
  }

  const std::int64_t age = r.now - r.from;  // how far back the request reaches
  if (interval < minute) {
    if (age > kept.raw_ms)
      return fmt::format("raw samples are kept {}; for older data use an interval of 1m or more", days(kept.raw_ms));
    plan.source = resolution::raw;
  } else if (interval % hour == 0 || age > kept.minute_ms) {
    if (interval % hour != 0)
      return fmt::format("1-minute rollups are kept {}; for older data use an interval of whole hours",
                         days(kept.minute_ms));
    if (age > kept.hour_ms) return fmt::format("telemetry is kept at most {}", days(kept.hour_ms));
    plan.source = resolution::hour;
  } else {
    plan.source = resolution::minute;
  }

  plan.interval_ms = interval;
  plan.from = interval ? floor_to(r.from, interval) : r.from;
  plan.to = r.to;
  if (interval) {
    const std::int64_t buckets = (r.to - plan.from + interval - 1) / interval;
    if (buckets > static_cast<std::int64_t>(r.limit)) {
      plan.truncated = true;
      plan.to = plan.from + static_cast<std::int64_t>(r.limit) * interval;
    }
  }
  return plan;
}

}  // namespace mothership::telemetry
