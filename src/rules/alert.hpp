#pragma once
// What is stored of rules and alerts (src/rules/rule_store, alert_store), beside the rule the
// engine evaluates (rule.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rule.hpp"

namespace mothership::rules {

// Which devices a rule watches: all of the given parts must hold; none given means every
// device.
struct rule_scope {
  std::optional<std::string> model;
  std::optional<std::string> group_id;
  std::optional<std::string> selector;  // a label selector (registry/selector.hpp), canonical text
  bool everywhere() const { return !model && !group_id && !selector; }
  bool operator==(const rule_scope&) const = default;
};

struct rule_record {
  rule evaluated;  // id, name, condition, severity, enabled, heartbeat interval
  rule_scope scope;
  std::string created_by;       // user id
  std::int64_t created_at = 0;  // Unix ms
  std::int64_t updated_at = 0;
  std::int64_t open_alerts = 0;  // filled in by reads that ask for it
};

std::string_view kind_name(const condition& c);  // "telemetry", "offline", "heartbeat"

enum class alert_state { raised, acknowledged, cleared };
std::string_view to_string(alert_state s);
std::optional<alert_state> parse_alert_state(std::string_view text);

struct alert {
  std::string id;  // "alr_..."
  std::string rule_id;
  std::string rule_name;
  std::string device_id;
  rules::severity severity = rules::severity::warning;
  alert_state state = alert_state::raised;
  std::string summary;                    // "temperature 91.5 > 85 for 1m"
  std::optional<std::string> value_json;  // the sample that raised it (telemetry rules)
  std::int64_t raised_at = 0;
  std::optional<std::int64_t> acknowledged_at;
  std::optional<std::string> acknowledged_by;  // user id
  std::optional<std::string> note;
  std::optional<std::int64_t> cleared_at;
  std::optional<std::string> clear_summary;
};

struct alert_filter {
  // "open" is raised or acknowledged.
  enum class which { any, open, raised, acknowledged, cleared } state = which::any;
  std::optional<std::string> device_id;
  std::optional<std::string> rule_id;
  std::optional<std::pair<std::int64_t, std::string>> before;  // cursor: (raised_at, id)
  int limit = 50;
};

struct alert_page {
  std::vector<alert> items;  // newest first
  std::optional<std::pair<std::int64_t, std::string>> next_before;
};

}  // namespace mothership::rules
