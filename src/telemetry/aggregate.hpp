#pragma once
// The summary telemetry keeps of a run of numeric values (a rollup bucket, or a bucket of a
// query's answer): enough to answer min, max, avg, sum, count and last, and to merge two
// summaries into the summary of both (so 1-minute rollups make any longer bucket exactly).
// Booleans count as 0 and 1.
#include <cstdint>
#include <optional>
#include <string_view>

namespace mothership::telemetry {

enum class aggregation { avg, min, max, sum, count, last };

std::optional<aggregation> parse_aggregation(std::string_view text);
std::string_view name(aggregation a);

struct summary {
  std::int64_t count = 0;
  double sum = 0;
  double min = 0;
  double max = 0;
  double last = 0;
  std::int64_t last_ts = 0;  // the time of `last`

  void add(double value, std::int64_t ts);
  void merge(const summary& other);
  double value(aggregation a) const;
  bool empty() const { return count == 0; }
};

}  // namespace mothership::telemetry
