#include "jobs/errors.hpp"

#include <string>

namespace mothership::jobs {

namespace {

class category : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "jobs"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::job_not_found:
        return "No job has this id.";
      case errc::execution_not_found:
        return "This device has no execution of this job.";
      case errc::no_targets:
        return "The job would reach no device: every target was skipped.";
      case errc::invalid_targets:
        return "Name the targets: device ids, groups or a selector (at most 10000 devices by id).";
      case errc::invalid_rollout:
        return "The rollout configuration is not valid.";
      case errc::firmware_not_found:
        return "No firmware has this id.";
      case errc::job_not_active:
        return "The job has ended; it cannot be canceled, paused or resumed.";
      case errc::invalid_state_transition:
        return "That status change is not allowed from the execution's current status.";
      case errc::version_mismatch:
        return "The expected version is not the execution's current version.";
      case errc::terminal_state_reached:
        return "The execution has ended; its status is final.";
      case errc::invalid_status_details:
        return "statusDetails must be an object of string values, at most 10 entries and 4096 bytes.";
      case errc::invalid_request:
        return "The request is not valid.";
    }
    return "jobs error";
  }
};

}  // namespace

const boost::system::error_category& jobs_category() {
  static const category instance;
  return instance;
}

std::string_view rejection_code(errc e) {
  switch (e) {
    case errc::job_not_found:
    case errc::execution_not_found:
    case errc::firmware_not_found:
      return "ResourceNotFound";
    case errc::invalid_state_transition:
      return "InvalidStateTransition";
    case errc::version_mismatch:
      return "VersionMismatch";
    case errc::terminal_state_reached:
      return "TerminalStateReached";
    default:
      return "InvalidRequest";
  }
}

}  // namespace mothership::jobs
