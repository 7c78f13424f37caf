#pragma once
// How a telemetry query is answered: from raw samples or from a rollup, in buckets of which
// width, over which range, and whether the answer is cut short. Pure: the store runs it.
//
// Buckets are aligned to the Unix epoch (a 1-hour bucket starts on the hour), so a chart that
// moves on shows the same buckets with the same values. An interval of a minute or more is
// read from the 1-minute rollups (a whole hour or more: the 1-hour ones), so a 90-day chart
// reads 2,160 hourly rows per key, not 7.8 million samples.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace mothership::telemetry {

enum class resolution { raw, minute, hour };
std::string_view name(resolution r);

struct retention_windows {
  std::int64_t raw_ms = 30LL * 86400000;
  std::int64_t minute_ms = 90LL * 86400000;
  std::int64_t hour_ms = 730LL * 86400000;
};

struct query_request {
  std::int64_t from = 0;                    // Unix ms, inclusive
  std::int64_t to = 0;                      // exclusive
  std::optional<std::int64_t> interval_ms;  // 0 = raw samples, unbucketed; none = chosen for `limit`
  std::size_t limit = 1000;                 // points per series
  std::int64_t now = 0;
};

struct query_limits {
  std::size_t max_points = 10000;                 // per series: the cost limit of one answer
  std::int64_t max_range_ms = 3660LL * 86400000;  // ten years
};

struct query_plan {
  resolution source = resolution::raw;
  std::int64_t interval_ms = 0;  // 0: raw samples, one point each
  std::int64_t from = 0;         // aligned down to a bucket
  std::int64_t to = 0;           // where reading stops: the request's, or earlier when truncated
  bool truncated = false;        // more buckets than `limit`: the answer stops at `to`
};

// A request that cannot be answered gets the reason (a 400 for the API).
std::variant<query_plan, std::string> plan_query(const query_request& r, const retention_windows& kept,
                                                 const query_limits& limits);

// "raw", "30s", "5m", "1h", "7d", or a number of seconds.
std::optional<std::int64_t> parse_interval_ms(std::string_view text);

}  // namespace mothership::telemetry
