#pragma once
// A job's rollout: how fast its executions are released to devices, in which waves, when it
// aborts, how long an execution may run and how often a failed one is retried. The decisions
// are pure functions of the configuration, the counts and the time, so the scheduler is
// tested on a fake clock and resumes after a restart from what the database holds.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"

namespace mothership::jobs {

struct wave {
  int percent = 100;  // of all targets released once this wave is out (cumulative)
  int soak_s = 0;     // wait after this wave has finished before the next one starts
};

struct rollout_config {
  int max_per_minute = 0;            // releases per minute; 0 = all at once
  double growth_factor = 1.0;        // the rate grows by this factor ...
  int growth_every = 0;              // ... after each this many successes (AWS IoT's exponentialRate); 0 = never
  std::vector<wave> waves;           // empty = one wave of 100%
  double abort_failure_percent = 0;  // abort when failures reach this share of finished executions; 0 = never
  int abort_min_finished = 10;       // ... once at least this many have finished
  int in_progress_timeout_s = 3600;  // an execution IN_PROGRESS longer than this becomes TIMED_OUT
  int max_retries = 0;               // a FAILED or TIMED_OUT execution is queued again up to this many times
};

// What the request says, checked: nullopt and `error` ("waves: ...") when it is not valid.
struct rollout_parse {
  std::optional<rollout_config> config;
  std::string field;
  std::string error;
};
rollout_parse parse_rollout(const boost::json::object& in);
boost::json::object to_json(const rollout_config& c);

// Where a job is, as the database says.
struct rollout_progress {
  std::int64_t total = 0;                 // executions
  std::int64_t released = 0;              // offered to their devices so far
  std::int64_t released_last_minute = 0;  // of those, in the last 60 s
  std::int64_t succeeded = 0;
  std::int64_t finished = 0;  // in a terminal state
  std::int64_t failures = 0;  // FAILED, TIMED_OUT, REJECTED (after their retries)
  int wave = 0;               // the wave being released
  std::optional<common::millis> wave_opens_at;
};

struct release_decision {
  std::int64_t release = 0;  // executions to release now (in seq order)
  int wave = 0;
  std::optional<common::millis> wave_opens_at;
};

// How many executions of the wave being released may go out now (rate and wave limits), and
// whether the next wave opens: once every release of a wave has finished and its soak time
// has passed.
release_decision decide_release(const rollout_config& c, const rollout_progress& p, common::millis now);

// The releases per minute allowed after `succeeded` successes.
std::int64_t current_rate(const rollout_config& c, std::int64_t succeeded);

// The number of targets released once wave `i` is out.
std::int64_t wave_limit(const rollout_config& c, int i, std::int64_t total);
int wave_count(const rollout_config& c);

bool should_abort(const rollout_config& c, const rollout_progress& p);

}  // namespace mothership::jobs
