#pragma once
// The highest offered rate a broker holds: run short paced steps, doubling the rate while
// they hold, then bisect between the last held and the first failed rate.
#include <functional>
#include <string>
#include <vector>

#include "flow.hpp"

namespace mothership::bench {

// Whether one paced run held its rate, and if not, the first reason why not.
struct verdict {
  bool held = false;
  std::string reason;
};

// A run holds its offered rate when no client failed, every delivery owed eventually arrived
// (at QoS 1: no acknowledged message lost; at QoS 0: none dropped), the publishers sent at
// least 97 % of the rate, the backlog (deliveries owed - made) grew by less than 3 % of the
// rate per second after the warm-up, and at the end it was less than half a second behind.
verdict judge(const flow_shape& shape, const flow_result& result);

struct search_limits {
  double start = 8000;      // messages/s of the first step
  double lowest = 250;      // give up below
  double highest = 4e6;     // stop doubling above
  double precision = 0.05;  // stop when the failed rate is within 5 % of the held one
};

struct search_step {
  double rate = 0;
  flow_result result;
  bool held = false;
  std::string reason;
};

struct search_result {
  double held_rate = 0;  // 0: not even `lowest` held
  std::vector<search_step> steps;
};

// Runs `shape` at each step's rate (its own `rate` is ignored); `report` sees each step as it ends.
search_result search_highest_held_rate(const flow_shape& shape, const search_limits& limits,
                                       const std::function<void(const search_step&)>& report);

}  // namespace mothership::bench
