#include "jobs/job.hpp"

#include <array>
#include <utility>

namespace mothership::jobs {

namespace {

constexpr std::array<std::pair<job_status, std::string_view>, 5> names = {{
    {job_status::in_progress, "in_progress"},
    {job_status::paused, "paused"},
    {job_status::completed, "completed"},
    {job_status::canceled, "canceled"},
    {job_status::aborted, "aborted"},
}};

}  // namespace

std::string_view to_string(job_status s) {
  for (const auto& [value, name] : names)
    if (value == s) return name;
  return "canceled";
}

std::optional<job_status> parse_job_status(std::string_view text) {
  for (const auto& [value, name] : names)
    if (name == text) return value;
  return std::nullopt;
}

std::int64_t job_counts::total() const {
  std::int64_t n = 0;
  for (const auto& [status, count] : by_status) n += count;
  return n;
}

std::int64_t job_counts::of(execution_status s) const {
  auto it = by_status.find(s);
  return it == by_status.end() ? 0 : it->second;
}

}  // namespace mothership::jobs
