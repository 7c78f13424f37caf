#pragma once
// Expected failures of the registry domain, as error codes (one enum, one category). The
// messages are sentences for people: the API sends them as the problem's `detail`.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace mothership::registry {

// Append new values at the end: api/tests/problem_test.cpp checks that each has a message and
// an HTTP mapping in api/problem.cpp.
enum class errc {
  record_not_found = 1,  // no manufacturing record has the serial
  not_decommissioned,    // re-enable of a record that is not decommissioned
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
