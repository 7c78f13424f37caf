#pragma once
// Expected failures of reports (one enum, one category), mapped once to problem+json in api.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <string>

namespace mothership::reports {

enum class errc {
  unknown_kind = 1,    // not one of the kinds there are
  invalid_format,      // not csv, json or ndjson
  invalid_filters,     // the kind's filters refused them (the refusal says why)
  report_not_found,    // no such report, or another user's
  report_not_ready,    // queued or running: nothing to download yet
  report_unavailable,  // failed, or deleted after its retention
};

const boost::system::error_category& reports_category();
inline boost::system::error_code make_error_code(errc e) {
  return {static_cast<int>(e), reports_category()};
}

// A refused request: the code, and for filters what is wrong with them.
struct refusal {
  errc code;
  std::string detail;
};

template <class T>
using result = boost::system::result<T, refusal>;

}  // namespace mothership::reports

template <>
struct boost::system::is_error_code_enum<mothership::reports::errc> : std::true_type {};
