#pragma once
// Expected failures of the provisioning domain (claims, revocation, decommissioning), as error
// codes (one enum, one category). The messages are sentences for people: the API sends them as
// the problem's `detail`.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>
#include <optional>
#include <string_view>

#include "common/clock.hpp"

namespace mothership::provisioning {

// Append new values at the end: api/tests/problem_test.cpp checks that each has a message and
// an HTTP mapping in api/problem.cpp.
enum class errc {
  device_not_found = 1,
  already_decommissioned,  // decommission of a decommissioned device
  // Claim refusals (the technician sees which; the device never does).
  unknown_serial,  // no manufacturing record has the serial
  locked_out,      // too many wrong codes for the serial: locked for a while
  wrong_code,      // the claim code does not match the serial
  already_registered,
  decommissioned,     // the record must be re-enabled first
  too_many_attempts,  // too many wrong claims from the source address
  code_required,      // no claim code given, and the record has one
};

const boost::system::error_category& provisioning_category();
inline boost::system::error_code make_error_code(errc e) {
  return {static_cast<int>(e), provisioning_category()};
}

// The stable snake_case name ("wrong_code"): the audit log's and the portal events' `reason`.
std::string_view to_string(errc e);

template <class T>
using result = boost::system::result<T>;

// A refused claim: the code, and what the technician needs to know to try again. A claim
// returns boost::system::result<claimed_device, claim_refusal> rather than a struct with an
// optional refusal beside the success fields: a claim either succeeds or is refused, these
// facts exist only with a refusal, and callers test and map it like any other result.
struct claim_refusal {
  errc code{};
  std::optional<int> retry_after_s;            // too_many_attempts
  std::optional<int> attempts_left;            // wrong_code: before the serial locks
  std::optional<common::millis> locked_until;  // locked_out
};

// For result<T, claim_refusal>::value() on a refusal.
[[noreturn]] inline void throw_exception_from_error(const claim_refusal& r, const boost::source_location& loc) {
  boost::throw_exception(boost::system::system_error(make_error_code(r.code)), loc);
}

}  // namespace mothership::provisioning

template <>
struct boost::system::is_error_code_enum<mothership::provisioning::errc> : std::true_type {};
