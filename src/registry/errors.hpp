#pragma once
// Expected failures of the registry domain (manufacturing records, devices' labels, selectors and
// groups), as error codes (one enum, one category). The messages are sentences for people: the API
// sends them as the problem's `detail`. A selector's syntax error also says where it is:
// selector_error (registry/selector.hpp).
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <boost/throw_exception.hpp>
#include <cstddef>
#include <string>
#include <vector>

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

namespace mothership::registry {

// A selector that does not parse (errc::selector_syntax): what is wrong, as a clause ("expected
// a value"), and where: the 1-based position of the character in question, counted in
// characters (UTF-8 code points), not bytes; the length + 1 for "at the end".
struct selector_error {
  boost::system::error_code code = errc::selector_syntax;
  std::string message;
  std::size_t position = 1;
};

// Labels refused (errc::invalid_labels) with why, per key; or another code (device_not_found)
// without issues. A refusal of the whole set (too many labels) has an empty key.
struct label_issue {
  std::string key;
  std::string message;
  bool operator==(const label_issue&) const = default;
};
struct label_refusal {
  boost::system::error_code code;
  std::vector<label_issue> issues;
};

// For result<T, selector_error>::value() and result<T, label_refusal>::value() on an error.
[[noreturn]] void throw_exception_from_error(const selector_error& e, const boost::source_location& loc);
[[noreturn]] void throw_exception_from_error(const label_refusal& r, const boost::source_location& loc);

}  // namespace mothership::registry
