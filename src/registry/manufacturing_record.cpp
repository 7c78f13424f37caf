#include "registry/manufacturing_record.hpp"

#include <algorithm>

namespace mothership::registry {

std::string_view to_string(record_status s) {
  switch (s) {
    case record_status::manufactured:
      return "manufactured";
    case record_status::registered:
      return "registered";
    case record_status::decommissioned:
      return "decommissioned";
  }
  return "decommissioned";
}

std::optional<record_status> parse_record_status(std::string_view text) {
  for (auto s : {record_status::manufactured, record_status::registered, record_status::decommissioned})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

common::millis lock_duration_ms(int n, int base_s, int max_s) {
  std::int64_t seconds = base_s;
  for (int i = 1; i < n && seconds < max_s; ++i) seconds *= 2;  // stops at max_s: no overflow
  return std::min<std::int64_t>(seconds, max_s) * 1000;
}

}  // namespace mothership::registry
