#include "jobs/execution_status.hpp"

#include <array>
#include <utility>

namespace mothership::jobs {

namespace {

constexpr std::array<std::pair<execution_status, std::string_view>, 8> names = {{
    {execution_status::queued, "QUEUED"},
    {execution_status::in_progress, "IN_PROGRESS"},
    {execution_status::succeeded, "SUCCEEDED"},
    {execution_status::failed, "FAILED"},
    {execution_status::timed_out, "TIMED_OUT"},
    {execution_status::rejected, "REJECTED"},
    {execution_status::canceled, "CANCELED"},
    {execution_status::removed, "REMOVED"},
}};

}  // namespace

std::string_view to_string(execution_status s) {
  for (const auto& [value, name] : names)
    if (value == s) return name;
  return "QUEUED";
}

std::optional<execution_status> parse_execution_status(std::string_view text) {
  for (const auto& [value, name] : names)
    if (name == text) return value;
  return std::nullopt;
}

bool is_terminal(execution_status s) {
  return s != execution_status::queued && s != execution_status::in_progress;
}

bool is_failure(execution_status s) {
  return s == execution_status::failed || s == execution_status::timed_out || s == execution_status::rejected;
}

bool may_move(execution_status from, execution_status to, mover who) {
  using enum execution_status;
  if (is_terminal(from)) return false;
  if (who == mover::device) {
    // A device starts, reports progress (IN_PROGRESS again, with a new step or percent) and
    // ends with an outcome; it may end a QUEUED execution at once (REJECTED: "not for me").
    if (to == in_progress || to == succeeded || to == failed || to == rejected) return true;
    return false;
  }
  // The server: a timeout only of what runs, cancel and remove of anything not final.
  if (to == timed_out) return from == in_progress;
  return to == canceled || to == removed;
}

std::string_view portal_group(execution_status s) {
  using enum execution_status;
  switch (s) {
    case queued:
      return "queued";
    case in_progress:
      return "in_progress";
    case succeeded:
      return "completed";
    case failed:
    case timed_out:
    case rejected:
      return "failed";
    case canceled:
    case removed:
      return "canceled";
  }
  return "queued";
}

}  // namespace mothership::jobs
