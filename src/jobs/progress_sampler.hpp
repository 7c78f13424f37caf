#pragma once
// A job's progress over time, for the portal's chart: the counts of its executions in the
// portal's groups, sampled when they change. A rollout of thousands of devices changes its
// counts many times a second, so samples are coalesced: at most one per job per interval (a
// change that comes sooner is held, and the scheduler's next tick keeps it once the interval
// has passed), and one more when the job ends. Pure bookkeeping on the caller's clock; the
// samples themselves are kept by progress_store.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "jobs/job.hpp"

namespace mothership::jobs {

struct progress_sample {
  common::millis at = 0;
  std::int64_t queued = 0;
  std::int64_t in_progress = 0;
  std::int64_t completed = 0;
  std::int64_t failed = 0;
  std::int64_t canceled = 0;
  bool same_counts(const progress_sample& o) const;
};

// The counts in the portal's groups (execution_status.hpp `portal_group`) at `at`.
progress_sample sample_of(const job_counts& counts, common::millis at);

class progress_sampler {
 public:
  static constexpr common::millis default_interval_ms = 2000;
  explicit progress_sampler(common::millis min_interval_ms = default_interval_ms) : min_interval_(min_interval_ms) {}

  // A job's counts are now `s`: the sample to keep now, or nullopt when the counts are those
  // last kept, or it is too soon after the last kept sample (then it is held for `due`). A
  // final sample (the job has ended) is always kept, and the job is forgotten.
  std::optional<progress_sample> offer(const std::string& job_id, const progress_sample& s, bool final);

  // The held samples whose interval has passed by `now`, stamped `now` (nothing changed since
  // they were held, or they would have been replaced), and no longer held.
  std::vector<std::pair<std::string, progress_sample>> due(common::millis now);

 private:
  struct job_state {
    progress_sample last_kept;
    std::optional<progress_sample> held;
  };
  common::millis min_interval_;
  std::mutex mutex_;  // offers come from request threads and the scheduler at once
  std::map<std::string, job_state> jobs_;
};

}  // namespace mothership::jobs
