#include "registry/manufacturing_record.hpp"

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

}  // namespace mothership::registry
