#pragma once
// Label selectors (docs/selectors.md): which devices a filter or a job target means, written
// like Kubernetes label selectors:
//
//   model=Thermo 3, site in (lab, roof), !beta
//
// Requirements are separated by commas and must all hold. Each is one of
//   key=value  key==value  key!=value  key in (v1, v2)  key notin (v1, v2)  key  !key
// `key` alone means the device has that label, `!key` that it has not. `!=` and `notin` hold
// for a device without the label too (as in Kubernetes). Keys follow the label key rule
// (registry/labels.hpp); `model` and `firmware_version` name the device's own fields (a device
// without a reported firmware version has no `firmware_version`). Values are trimmed, may hold
// spaces, and may not hold ',', '(' or ')' or control characters. White space around tokens is
// ignored. An empty selector (or only spaces) selects every device.
//
// A selector has two readings that agree: to_sql() for queries over many devices, matches() for
// one device in memory (a "continuous" job asking whether a device that changed now matches).
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/errors.hpp"
#include "registry/labels.hpp"
#include "storage/database.hpp"

namespace mothership::registry {

inline constexpr std::size_t max_selector_length = 4096;  // bytes

struct requirement {
  enum class op { equals, not_equals, in, not_in, exists, not_exists };
  std::string key;
  op what = op::exists;
  std::vector<std::string> values;  // one for equals / not_equals, the set for in / not_in, none otherwise
  bool operator==(const requirement&) const = default;
};

struct selector {
  std::vector<requirement> requirements;  // all must hold; none selects every device
  bool empty() const { return requirements.empty(); }
  bool operator==(const selector&) const = default;
};

boost::system::result<selector, selector_error> parse_selector(std::string_view text);

// The canonical text: parse_selector(to_string(s)) == s.
std::string to_string(const selector& s);

// What matches() looks at: the device's model, its reported firmware version and its labels.
struct device_facts {
  std::string_view model;
  std::optional<std::string_view> firmware_version;
  const label_map& labels;
};
bool matches(const selector& s, const device_facts& device);

// A WHERE condition in standard SQL (SQLite and PostgreSQL), never NULL, over a devices table
// named `devices_table` (an alias will do) and the device_labels table, with parameters
// $first_parameter, $first_parameter + 1, ... bound to `params` in order. For example
//   auto f = to_sql(s, 2);
//   sql = "SELECT id FROM devices WHERE id > $1 AND " + f.where;  params: {after, f.params...}
struct sql_condition {
  std::string where;
  storage::params params;
};
sql_condition to_sql(const selector& s, std::size_t first_parameter = 1, std::string_view devices_table = "devices");

}  // namespace mothership::registry
