#pragma once
// Expected failures of the registry domain's groups, labels and selectors, as error codes (one
// enum, one category). A selector's syntax error also carries where it is: selector_error.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace mothership::registry {

enum class errc {
  selector_syntax = 1,  // see selector_error for the message and position
  invalid_labels,       // too many, a bad key, a reserved key or a value too long
  device_not_found,
  group_not_found,
  group_name_taken,
  invalid_group,  // name empty or too long, description too long
  not_a_member,
};

const boost::system::error_category& registry_category();
inline boost::system::error_code make_error_code(errc e) {
  return {static_cast<int>(e), registry_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace mothership::registry

template <>
struct boost::system::is_error_code_enum<mothership::registry::errc> : std::true_type {};
