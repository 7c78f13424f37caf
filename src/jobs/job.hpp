#pragma once
// A job and its executions, as stored.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "jobs/execution_status.hpp"
#include "jobs/rollout.hpp"

namespace mothership::jobs {

// Whom a job is for: devices by id, static groups, a label selector (any mix; their union).
struct job_targets {
  std::vector<std::string> devices;
  std::vector<std::string> groups;
  std::string selector;
  bool empty() const { return devices.empty() && groups.empty() && selector.empty(); }
};

enum class job_status { in_progress, paused, completed, canceled, aborted };
std::string_view to_string(job_status s);
std::optional<job_status> parse_job_status(std::string_view text);
inline bool is_active(job_status s) {
  return s == job_status::in_progress || s == job_status::paused;
}

struct job {
  std::string id;  // "job_..."
  std::string kind = "firmware";
  std::string firmware_id;
  job_status status = job_status::in_progress;
  job_targets targets;
  bool continuous = false;
  rollout_config rollout;
  std::string description;
  int wave = 0;
  std::optional<common::millis> wave_opens_at;
  std::optional<std::string> reason;
  std::string created_by;
  common::millis created_at = 0;
  common::millis updated_at = 0;
  std::optional<common::millis> completed_at;
};

struct execution {
  std::string job_id;
  std::string device_id;
  execution_status status = execution_status::queued;
  std::int64_t seq = 0;
  std::int64_t execution_number = 1;
  std::int64_t version_number = 1;
  std::optional<common::millis> released_at;
  std::optional<common::millis> started_at;
  std::optional<common::millis> timeout_at;
  std::string status_details = "{}";  // JSON object of strings, as the device reported it
  std::optional<std::string> step;
  std::optional<std::int64_t> percent;
  common::millis queued_at = 0;
  common::millis updated_at = 0;
  std::optional<common::millis> finished_at;
};

// Executions per state, and how many have been released.
struct job_counts {
  std::map<execution_status, std::int64_t> by_status;
  std::int64_t released = 0;
  std::int64_t total() const;
  std::int64_t of(execution_status s) const;
};

}  // namespace mothership::jobs
