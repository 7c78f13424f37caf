#pragma once
// Expected failures of the jobs engine (one enum, one category). A device's refused request is
// answered on MQTT with the rejection code AWS IoT Jobs uses (rejection_code()).
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <string_view>

namespace mothership::jobs {

enum class errc {
  job_not_found = 1,
  execution_not_found,  // the device has no execution of this job
  no_targets,           // nothing to deliver to, after the skipped devices
  invalid_targets,      // no target given, too many, a bad id
  invalid_rollout,      // see the problem's field
  firmware_not_found,
  job_not_active,            // cancel / pause / resume of a job that has ended
  invalid_state_transition,  // e.g. SUCCEEDED -> IN_PROGRESS
  version_mismatch,          // a stale expectedVersion
  terminal_state_reached,    // the execution has ended
  invalid_status_details,    // not an object of strings, or too large
  invalid_request,           // a field of the wrong type, an unknown status
};

const boost::system::error_category& jobs_category();
inline boost::system::error_code make_error_code(errc e) {
  return {static_cast<int>(e), jobs_category()};
}

// "InvalidStateTransition", "VersionMismatch", "ResourceNotFound", ... for the MQTT rejection.
std::string_view rejection_code(errc e);

template <class T>
using result = boost::system::result<T>;

}  // namespace mothership::jobs

template <>
struct boost::system::is_error_code_enum<mothership::jobs::errc> : std::true_type {};
