#pragma once
// SQL for jobs, job_executions and job_update_tokens. Functions take the caller's connection so
// that a change and its audit entry commit in one transaction.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "jobs/job.hpp"
#include "storage/database.hpp"

namespace mothership::jobs::job_store {

void insert(storage::connection& c, const job& j);
std::optional<job> find(storage::connection& c, const std::string& id);
void set_status(storage::connection& c, const std::string& id, job_status s, const std::optional<std::string>& reason,
                common::millis now);
void set_wave(storage::connection& c, const std::string& id, int wave, std::optional<common::millis> opens_at,
              common::millis now);

struct job_filter {
  std::optional<job_status> status;
  std::optional<std::pair<common::millis, std::string>> before;  // cursor: newest first
  int limit = 50;
};
std::vector<job> list(storage::connection& c, const job_filter& f);
std::vector<job> active(storage::connection& c);
// Whether an active job delivers this firmware (a firmware in use cannot be deleted).
bool firmware_in_use(storage::connection& c, const std::string& firmware_id);

void insert(storage::connection& c, const execution& e);
std::optional<execution> find_execution(storage::connection& c, const std::string& job_id,
                                        const std::string& device_id);
// Writes every field that changes (status, numbers, times, details).
void save(storage::connection& c, const execution& e);

struct execution_filter {
  std::optional<execution_status> status;
  std::int64_t after_seq = -1;  // cursor
  int limit = 50;
};
std::vector<execution> executions(storage::connection& c, const std::string& job_id, const execution_filter& f);
// A device's executions across jobs, newest job first.
std::vector<execution> executions_of_device(storage::connection& c, const std::string& device_id, int limit);
// What a device has to do: IN_PROGRESS first, then released QUEUED ones in release order; of
// jobs that are in progress (a paused job's queued executions wait).
std::vector<execution> pending_for_device(storage::connection& c, const std::string& device_id);
// Of these devices, those with an execution still to finish in an active job.
std::set<std::string> busy_devices(storage::connection& c, const std::vector<std::string>& device_ids);

job_counts counts(storage::connection& c, const std::string& job_id);
// The devices that have an execution of the job, and the seq the next one gets.
std::set<std::string> device_ids(storage::connection& c, const std::string& job_id);
std::int64_t next_seq(storage::connection& c, const std::string& job_id);
std::int64_t released_since(storage::connection& c, const std::string& job_id, common::millis since);
// Releases the next `n` unreleased QUEUED executions in seq order; returns their devices.
std::vector<std::string> release_next(storage::connection& c, const std::string& job_id, std::int64_t n,
                                      common::millis now);
// IN_PROGRESS executions whose timeout has passed, oldest first.
std::vector<execution> timed_out(storage::connection& c, common::millis now, int limit);
// Every execution of the job in one of `from` that is not yet final.
std::vector<execution> in_status(storage::connection& c, const std::string& job_id,
                                 const std::vector<execution_status>& from);

struct applied_update {
  std::int64_t version_number = 0;
  execution_status status = execution_status::queued;
};
std::optional<applied_update> find_token(storage::connection& c, const std::string& job_id,
                                         const std::string& device_id, const std::string& client_token);
void insert_token(storage::connection& c, const std::string& job_id, const std::string& device_id,
                  const std::string& client_token, const applied_update& u, common::millis now);

}  // namespace mothership::jobs::job_store
