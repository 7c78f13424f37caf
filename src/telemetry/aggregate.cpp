#include "telemetry/aggregate.hpp"

#include <algorithm>

namespace mothership::telemetry {

std::optional<aggregation> parse_aggregation(std::string_view text) {
  for (auto a :
       {aggregation::avg, aggregation::min, aggregation::max, aggregation::sum, aggregation::count, aggregation::last})
    if (name(a) == text) return a;
  return std::nullopt;
}

std::string_view name(aggregation a) {
  switch (a) {
    case aggregation::avg:
      return "avg";
    case aggregation::min:
      return "min";
    case aggregation::max:
      return "max";
    case aggregation::sum:
      return "sum";
    case aggregation::count:
      return "count";
    case aggregation::last:
      return "last";
  }
  return "avg";
}

void summary::add(double value, std::int64_t ts) {
  merge({1, value, value, value, value, ts});
}

void summary::merge(const summary& other) {
  if (other.empty()) return;
  if (empty()) {
    *this = other;
    return;
  }
  count += other.count;
  sum += other.sum;
  min = std::min(min, other.min);
  max = std::max(max, other.max);
  if (other.last_ts >= last_ts) {  // the later one wins; a tie goes to what came after
    last = other.last;
    last_ts = other.last_ts;
  }
}

double summary::value(aggregation a) const {
  switch (a) {
    case aggregation::avg:
      return count ? sum / static_cast<double>(count) : 0;
    case aggregation::min:
      return min;
    case aggregation::max:
      return max;
    case aggregation::sum:
      return sum;
    case aggregation::count:
      return static_cast<double>(count);
    case aggregation::last:
      return last;
  }
  return 0;
}

}  // namespace mothership::telemetry
