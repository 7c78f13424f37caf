#pragma once
// An alert rule as the engine evaluates it. Where it applies (a model, a group, a selector) is
// not here: the caller answers that through the engine's scope predicate (see engine.hpp).
#include <optional>
#include <string>
#include <string_view>

#include "rules/condition.hpp"

namespace mothership::rules {

enum class severity { info, warning, critical };

std::string_view to_string(severity s);  // "info", "warning", "critical"
std::optional<severity> parse_severity(std::string_view text);

struct rule {
  std::string id;
  std::string name;
  condition when;
  rules::severity severity = rules::severity::warning;
  bool enabled = true;
  // How often the device is expected to send a heartbeat; `heartbeat missing 3x` means none
  // for 3 x this. Only used by heartbeat conditions; the engine treats values below 1 as 1.
  int heartbeat_interval_s = 60;
};

}  // namespace mothership::rules
