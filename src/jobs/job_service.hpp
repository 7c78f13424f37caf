#pragma once
// The jobs engine: creates jobs from a firmware and its targets (or answers what a job would
// do: a dry run), serves the devices' side of the job protocol (start-next, describe, update
// with expectedVersion and clientToken), and runs the rollout: releases at the configured pace
// and in waves, times out silent executions, retries, aborts past the failure threshold and
// completes. Everything is in the database, timers included, so a restart resumes where the
// last run stopped. Every job action and every execution's final state is audited.
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "events/event_bus.hpp"
#include "jobs/errors.hpp"
#include "jobs/job.hpp"
#include "jobs/job_store.hpp"
#include "jobs/progress_sampler.hpp"
#include "ota/firmware_catalog.hpp"
#include "storage/database.hpp"

namespace mothership::jobs {

// A device a job's targets name, with what decides whether it gets the job.
struct candidate {
  std::string device_id;
  std::string model;
  std::optional<std::string> firmware_version;
  bool online = false;
  bool decommissioned = false;
};
// The devices the targets name (ids, groups, selector); an unknown id is a candidate with an
// empty model. Errors (a bad selector, an unknown group) come from their own domain.
using resolve_fn =
    std::function<boost::system::result<std::vector<candidate>>(storage::connection&, const job_targets&)>;

struct job_request {
  std::string firmware_id;
  job_targets targets;
  bool continuous = false;
  rollout_config rollout;
  std::string description;
};

struct skipped_device {
  std::string device_id;
  std::string reason;  // unknown_device, decommissioned, incompatible_model, already_on_version, in_another_job
};

// What a job would do.
struct job_plan {
  std::vector<candidate> targets;
  std::vector<skipped_device> skipped;
  std::vector<std::int64_t> waves;  // devices released by the end of each wave (cumulative)
  std::int64_t offline = 0;         // targets offline now: they get the job when they connect
};

using change_author = audit::change_author;

// What a device sends with start-next or an update.
struct device_update {
  execution_status status = execution_status::in_progress;
  std::optional<std::string> status_details;  // a JSON object of strings, checked by parse_status_details
  std::optional<std::int64_t> expected_version;
  std::optional<std::int64_t> step_timeout_minutes;
  std::optional<std::string> client_token;
};

// Checks a statusDetails value (an object of at most 10 strings, 4 KiB): its JSON, or an error.
result<std::string> parse_status_details(const boost::json::value& v);

class job_service {
 public:
  using clock_fn = std::function<common::millis()>;
  using notify_fn = std::function<void(const std::vector<std::string>& device_ids)>;

  job_service(storage::database& db, audit::audit_log& audit, ota::firmware_catalog& firmware, resolve_fn resolve,
              events::event_bus* bus = nullptr, clock_fn clock = {});

  // Called after a commit that may change what a device has to do next (notify-next).
  void set_notify(notify_fn fn) { notify_ = std::move(fn); }

  result<job_plan> plan(const job_request& r);
  result<job> create(const job_request& r, const change_author& author);
  result<job> find(const std::string& id);
  std::vector<job> list(const job_store::job_filter& f);
  job_counts counts(const std::string& job_id);
  std::vector<execution> executions(const std::string& job_id, const job_store::execution_filter& f);
  std::vector<execution> executions_of_device(const std::string& device_id, int limit);
  // The job's counts over time, oldest first (progress_sampler.hpp).
  std::vector<progress_sample> progress(const std::string& job_id);
  // Cancel: queued executions become CANCELED; in-progress ones too with `force`.
  result<job> cancel(const std::string& id, bool force, const change_author& author);
  result<job> pause(const std::string& id, const change_author& author);
  result<job> resume(const std::string& id, const change_author& author);

  // The device's side. Each acts only on the device's own executions.
  std::vector<execution> pending(const std::string& device_id);
  // The next execution to work on, started (IN_PROGRESS); nullopt when there is none.
  result<std::optional<execution>> start_next(const std::string& device_id, const device_update& u);
  result<execution> describe(const std::string& job_id, const std::string& device_id);
  result<execution> update(const std::string& job_id, const std::string& device_id, const device_update& u);
  // The firmware a job delivers (for the job document).
  result<ota::firmware> firmware_of(const std::string& job_id);

  // One pass of the scheduler: timeouts, retries, aborts, releases, completions.
  void tick();

 private:
  result<job_plan> plan_in(storage::connection& c, const job_request& r, const ota::firmware& f);
  result<execution> apply(storage::connection& c, const job& j, execution e, const device_update& u,
                          common::millis now);
  void finish(storage::connection& c, const job& j, execution& e, execution_status to, common::millis now,
              std::vector<std::string>& notify);
  void tick_job(storage::connection& c, const job& j, common::millis now, std::vector<std::string>& notify);
  // Continuous targeting: executions for devices that match the job's targets now and did not
  // at creation (joined the group, got the label, were registered since).
  void add_new_targets(storage::connection& c, const job& j, common::millis now);
  result<job> set_job_status(const std::string& id, job_status to, const char* action, bool force,
                             const change_author& author);
  // After a commit that changed a job: publishes its counts and offers them to the sampler.
  void changed(const std::string& job_id);
  // The same for a device's update, deferred to the next tick: a big rollout brings thousands
  // of updates a second, and counting the job's executions after each made it quadratic
  // (10,000 devices: 400 updates/s). The portal sees a job's counts once a second.
  void changed_soon(const std::string& job_id);
  void keep_samples(const std::vector<std::pair<std::string, progress_sample>>& samples);
  common::millis now() const;

  storage::database& db_;
  audit::audit_log& audit_;
  ota::firmware_catalog& firmware_;
  resolve_fn resolve_;
  events::event_bus* bus_;
  clock_fn clock_;
  notify_fn notify_;
  progress_sampler sampler_;
  // When each continuous job last looked for new targets. In memory: after a restart it looks
  // at once, which costs one resolution and misses nothing.
  static constexpr common::millis continuous_every_ms = 30000;
  // Ticks may run at once (the scheduler's, and the one a new job starts with).
  std::mutex last_resolved_mutex_;
  std::map<std::string, common::millis> last_resolved_;
  std::mutex changed_mutex_;
  std::set<std::string> changed_;  // by device updates since the last tick
};

}  // namespace mothership::jobs
