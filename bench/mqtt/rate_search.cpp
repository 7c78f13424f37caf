#include "rate_search.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

namespace mothership::bench {

namespace {

// Rates stay round numbers in the report: two significant figures.
double round_rate(double rate) {
  double unit = std::pow(10.0, std::floor(std::log10(std::max(rate, 1.0))) - 1);
  return std::max(1.0, std::round(rate / unit) * unit);
}

}  // namespace

verdict judge(const flow_shape& shape, const flow_result& r) {
  if (!r.error.empty()) return {false, r.error};
  const double offered = *shape.rate * r.seconds;
  const double rate = r.offered_per_s(shape);  // deliveries/s
  const double lag_s = rate > 0 ? r.backlog / rate : 0;
  char figures[160];
  std::snprintf(figures, sizeof figures, "sent %.1f %%, backlog %+.0f/s, %.0f ms behind at the end, p99 %.1f ms",
                offered > 0 ? 100.0 * r.sent / offered : 0.0, r.backlog_growth, 1000 * lag_s,
                quantile(r.latency_us, 0.99) / 1000.0);
  if (r.lost > 0) return {false, std::to_string(r.lost) + " acknowledged messages lost; " + figures};
  if (r.received < r.expected)
    return {false, std::to_string(r.expected - r.received) + " deliveries missing; " + figures};
  if (r.sent < 0.97 * offered) return {false, std::string("publishers fell behind: ") + figures};
  if (r.backlog_growth > 0.03 * rate) return {false, std::string("backlog grew: ") + figures};
  if (lag_s > 0.5) return {false, std::string("too far behind: ") + figures};
  return {true, figures};
}

search_result search_highest_held_rate(const flow_shape& shape, const search_limits& limits,
                                       const std::function<void(const search_step&)>& report) {
  search_result out;
  const double none = std::numeric_limits<double>::infinity();
  double held = 0, failed = none;
  double rate = limits.start;
  for (;;) {
    flow_shape step_shape = shape;
    step_shape.rate = rate;
    search_step step;
    step.rate = rate;
    step.result = run_flow(step_shape);
    auto v = judge(step_shape, step.result);
    step.held = v.held;
    step.reason = v.reason;
    report(step);
    out.steps.push_back(std::move(step));
    if (v.held)
      held = rate;
    else
      failed = rate;

    if (held == 0) {
      rate = round_rate(rate / 2);
      if (rate < limits.lowest) break;
    } else if (failed == none) {
      rate = rate * 2;
      if (rate > limits.highest) break;
    } else {
      if ((failed - held) / held <= limits.precision) break;
      rate = round_rate((held + failed) / 2);
      if (rate <= held || rate >= failed) break;
    }
  }
  out.held_rate = held;
  return out;
}

}  // namespace mothership::bench
