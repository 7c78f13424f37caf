#include "rules/rule.hpp"

namespace mothership::rules {

std::string_view to_string(severity s) {
  switch (s) {
    case severity::info:
      return "info";
    case severity::warning:
      return "warning";
    case severity::critical:
      return "critical";
  }
  return "?";
}

std::optional<severity> parse_severity(std::string_view text) {
  for (severity s : {severity::info, severity::warning, severity::critical})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

}  // namespace mothership::rules
