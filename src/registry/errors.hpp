#pragma once
// Expected failures of the registry domain (manufacturing records, devices' labels, selectors and
// groups), as error codes (one enum, one category). The messages are sentences for people: the API
// sends them as the problem's `detail`. A selector's syntax error also says where it is:
// selector_error (registry/selector.hpp).
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace mothership::registry {

// Append new values at the end: api/tests/problem_test.cpp checks that each has a message and
// an HTTP mapping in api/problem.cpp.
enum class errc {
  record_not_found = 1,  // no manufacturing record has the serial
  not_decommissioned,    // re-enable of a record that is not decommissioned
  selector_syntax,       // see selector_error for the message and position
  invalid_labels,        // too many, a bad key, a reserved key or a value too long
  device_not_found,
  group_not_found,
  group_name_taken,
  invalid_group,  // name empty or too long, description too long, too many devices at once
  not_a_member,   // removing a device from a group it is not in
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
