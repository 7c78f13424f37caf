#pragma once
// Expected failures of alert rules and alerts (one enum, one category), mapped once to
// problem+json in api.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <cstddef>
#include <optional>
#include <string>

namespace mothership::rules {

enum class errc {
  rule_not_found = 1,
  rule_name_taken,
  invalid_rule,  // a field is wrong; the refusal names it and says why
  alert_not_found,
  alert_cleared,  // acknowledging an alert that has already cleared
  stopped,        // the alert service is not running (starting or shutting down)
};

const boost::system::error_category& rules_category();
inline boost::system::error_code make_error_code(errc e) {
  return {static_cast<int>(e), rules_category()};
}

// A refused request: the code, and for invalid_rule which field and what is wrong with it
// (a condition's or selector's syntax error also says where: position).
struct refusal {
  errc code = errc::invalid_rule;
  std::string field;
  std::string detail;
  std::optional<std::size_t> position;
};

template <class T>
using result = boost::system::result<T, refusal>;

}  // namespace mothership::rules

template <>
struct boost::system::is_error_code_enum<mothership::rules::errc> : std::true_type {};
