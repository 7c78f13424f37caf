#include "jobs/job_service.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <set>

#include "common/ids.hpp"
#include "jobs/progress_store.hpp"
#include "ota/firmware_store.hpp"

namespace mothership::jobs {

namespace json = boost::json;

namespace {

constexpr std::size_t max_targets = 100000;
constexpr std::size_t max_details_entries = 10;
constexpr std::size_t max_details_bytes = 4096;
constexpr int tick_timeout_batch = 500;

audit::event job_event(const change_author& author, std::string action, const std::string& id,
                       json::object details = {}) {
  return {author.by, std::move(action), "job", id, audit::outcome::success, author.source, std::move(details)};
}

const change_author scheduler{{"system", "jobs"}, ""};

// The step and percent a device reports inside statusDetails ("step": "download", "percent": "42").
void read_progress(execution& e) {
  auto details = json::parse(e.status_details).as_object();
  if (auto* step = details.if_contains("step"); step && step->is_string()) e.step = std::string(step->as_string());
  if (auto* percent = details.if_contains("percent"); percent && percent->is_string()) {
    try {
      e.percent = std::clamp<std::int64_t>(std::stoll(std::string(percent->as_string())), 0, 100);
    } catch (const std::exception&) {
    }
  }
}

rollout_progress progress_of(storage::connection& c, const job& j, common::millis now) {
  auto counts = job_store::counts(c, j.id);
  rollout_progress p;
  p.total = counts.total();
  p.released = counts.released;
  p.released_last_minute = job_store::released_since(c, j.id, now - 60000);
  p.succeeded = counts.of(execution_status::succeeded);
  for (const auto& [status, n] : counts.by_status) {
    if (is_terminal(status)) p.finished += n;
    if (is_failure(status)) p.failures += n;
  }
  p.wave = j.wave;
  p.wave_opens_at = j.wave_opens_at;
  return p;
}

// Why a device does not get a job of firmware `version` for `models`, or nullptr when it does.
const char* skip_reason(const candidate& d, const std::set<std::string>& models, const std::string& version,
                        const std::set<std::string>& busy) {
  if (d.model.empty()) return "unknown_device";
  if (d.decommissioned) return "decommissioned";
  if (!models.contains(d.model)) return "incompatible_model";
  if (d.firmware_version == version) return "already_on_version";
  if (busy.contains(d.device_id)) return "in_another_job";
  return nullptr;
}

}  // namespace

result<std::string> parse_status_details(const json::value& v) {
  if (!v.is_object() || v.as_object().size() > max_details_entries) return errc::invalid_status_details;
  for (const auto& [key, value] : v.as_object())
    if (!value.is_string() || key.empty()) return errc::invalid_status_details;
  auto text = json::serialize(v);
  if (text.size() > max_details_bytes) return errc::invalid_status_details;
  return text;
}

job_service::job_service(storage::database& db, audit::audit_log& audit, ota::firmware_catalog& firmware,
                         resolve_fn resolve, events::event_bus* bus, clock_fn clock)
    : db_(db), audit_(audit), firmware_(firmware), resolve_(std::move(resolve)), bus_(bus), clock_(std::move(clock)) {}

common::millis job_service::now() const {
  return clock_ ? clock_() : common::now_ms();
}

void job_service::changed(const std::string& job_id) {
  auto [counts, job_state] = db_.read_result([&](storage::connection& c) {
    auto j = job_store::find(c, job_id);
    return std::pair{job_store::counts(c, job_id), j ? j->status : job_status::canceled};
  });
  if (auto kept = sampler_.offer(job_id, sample_of(counts, now()), !is_active(job_state)))
    keep_samples({{job_id, *kept}});
  if (!bus_) return;
  json::object by_group{{"queued", 0}, {"in_progress", 0}, {"completed", 0}, {"failed", 0}, {"canceled", 0}};
  json::object by_status;
  for (const auto& [status, n] : counts.by_status) {
    by_status[to_string(status)] = n;
    by_group[portal_group(status)] = by_group[portal_group(status)].as_int64() + n;
  }
  bus_->publish({"job.updated", job_id, {{"job_id", job_id}, {"counts", by_group}, {"by_status", by_status}}});
}

void job_service::changed_soon(const std::string& job_id) {
  std::lock_guard lock(changed_mutex_);
  changed_.insert(job_id);
}

void job_service::keep_samples(const std::vector<std::pair<std::string, progress_sample>>& samples) {
  if (samples.empty()) return;
  db_.write([&](storage::connection& c) {
    for (const auto& [job_id, s] : samples) progress_store::insert(c, job_id, s);
  });
}

// --- jobs ------------------------------------------------------------------------------------

result<job_plan> job_service::plan_in(storage::connection& c, const job_request& r, const ota::firmware& f) {
  if (r.targets.empty() || r.targets.devices.size() > max_targets) return errc::invalid_targets;
  auto resolved = resolve_(c, r.targets);
  if (!resolved) return resolved.error();
  std::vector<std::string> ids;
  for (const auto& d : *resolved) ids.push_back(d.device_id);
  auto busy = job_store::busy_devices(c, ids);
  const std::set<std::string> models(f.models.begin(), f.models.end());

  job_plan plan;
  std::set<std::string> seen;
  for (const auto& d : *resolved) {
    if (!seen.insert(d.device_id).second) continue;  // named by two targets
    if (const char* reason = skip_reason(d, models, f.version, busy)) {
      plan.skipped.push_back({d.device_id, reason});
      continue;
    }
    if (!d.online) ++plan.offline;
    plan.targets.push_back(d);
  }
  if (plan.targets.empty()) return errc::no_targets;
  const auto total = static_cast<std::int64_t>(plan.targets.size());
  for (int i = 0; i < wave_count(r.rollout); ++i) plan.waves.push_back(wave_limit(r.rollout, i, total));
  return plan;
}

result<job_plan> job_service::plan(const job_request& r) {
  return db_.read_result([&](storage::connection& c) -> result<job_plan> {
    auto f = ota::firmware_store::find(c, r.firmware_id);
    if (!f) return errc::firmware_not_found;
    return plan_in(c, r, *f);
  });
}

result<job> job_service::create(const job_request& r, const change_author& author) {
  auto created = db_.write_result([&](storage::connection& c) -> result<job> {
    auto f = ota::firmware_store::find(c, r.firmware_id);
    if (!f) return errc::firmware_not_found;
    auto plan = plan_in(c, r, *f);
    if (!plan) return plan.error();
    auto at = now();
    job j;
    j.id = common::new_id("job");
    j.firmware_id = f->id;
    j.targets = r.targets;
    j.continuous = r.continuous;
    j.rollout = r.rollout;
    j.description = r.description;
    j.created_by = author.by.id;
    j.created_at = j.updated_at = at;
    job_store::insert(c, j);
    std::int64_t seq = 0;
    for (const auto& d : plan->targets) {
      execution e;
      e.job_id = j.id;
      e.device_id = d.device_id;
      e.seq = seq++;
      e.queued_at = e.updated_at = at;
      job_store::insert(c, e);
    }
    json::array skipped;
    for (const auto& s : plan->skipped) skipped.push_back({{"device_id", s.device_id}, {"reason", s.reason}});
    audit_.append(c, job_event(author, "job.create", j.id,
                               {{"firmware_id", f->id},
                                {"version", f->version},
                                {"targets", static_cast<std::int64_t>(plan->targets.size())},
                                {"skipped", std::move(skipped)},
                                {"rollout", to_json(r.rollout)}}));
    return j;
  });
  if (created) {
    tick();  // the first release goes out at once, not at the next tick
    changed(created->id);
  }
  return created;
}

result<job> job_service::find(const std::string& id) {
  auto j = db_.read_result([&](storage::connection& c) { return job_store::find(c, id); });
  if (!j) return errc::job_not_found;
  return std::move(*j);
}

std::vector<job> job_service::list(const job_store::job_filter& f) {
  return db_.read_result([&](storage::connection& c) { return job_store::list(c, f); });
}

job_counts job_service::counts(const std::string& job_id) {
  return db_.read_result([&](storage::connection& c) { return job_store::counts(c, job_id); });
}

std::vector<execution> job_service::executions(const std::string& job_id, const job_store::execution_filter& f) {
  return db_.read_result([&](storage::connection& c) { return job_store::executions(c, job_id, f); });
}

std::vector<progress_sample> job_service::progress(const std::string& job_id) {
  return db_.read_result([&](storage::connection& c) { return progress_store::samples(c, job_id); });
}

std::vector<execution> job_service::executions_of_device(const std::string& device_id, int limit) {
  return db_.read_result([&](storage::connection& c) { return job_store::executions_of_device(c, device_id, limit); });
}

result<job> job_service::set_job_status(const std::string& id, job_status to, const char* action, bool force,
                                        const change_author& author) {
  std::vector<std::string> notify;
  auto done = db_.write_result([&](storage::connection& c) -> result<job> {
    auto j = job_store::find(c, id);
    if (!j) return errc::job_not_found;
    if (!is_active(j->status)) return errc::job_not_active;
    auto at = now();
    if (to == job_status::canceled) {
      std::vector<execution_status> from{execution_status::queued};
      if (force) from.push_back(execution_status::in_progress);
      for (auto& e : job_store::in_status(c, id, from)) finish(c, *j, e, execution_status::canceled, at, notify);
    }
    job_store::set_status(c, id, to, std::nullopt, at);
    audit_.append(c, job_event(author, action, id, force ? json::object{{"force", true}} : json::object{}));
    j->status = to;
    j->updated_at = at;
    return std::move(*j);
  });
  if (done) {
    // Paused or resumed: what each device is offered changes (a paused job's queue waits).
    if (to != job_status::canceled)
      for (const auto& e : executions(id, {.limit = 1000000}))
        if (e.released_at && !is_terminal(e.status)) notify.push_back(e.device_id);
    if (notify_ && !notify.empty()) notify_(notify);
    changed(id);
  }
  return done;
}

result<job> job_service::cancel(const std::string& id, bool force, const change_author& author) {
  return set_job_status(id, job_status::canceled, "job.cancel", force, author);
}

result<job> job_service::pause(const std::string& id, const change_author& author) {
  auto j = find(id);
  if (j && j->status != job_status::in_progress) return errc::job_not_active;
  return set_job_status(id, job_status::paused, "job.pause", false, author);
}

result<job> job_service::resume(const std::string& id, const change_author& author) {
  auto j = find(id);
  if (j && j->status != job_status::paused) return errc::job_not_active;
  return set_job_status(id, job_status::in_progress, "job.resume", false, author);
}

// --- the device's side -----------------------------------------------------------------------

std::vector<execution> job_service::pending(const std::string& device_id) {
  return db_.read_result([&](storage::connection& c) { return job_store::pending_for_device(c, device_id); });
}

result<execution> job_service::describe(const std::string& job_id, const std::string& device_id) {
  auto e = db_.read_result([&](storage::connection& c) { return job_store::find_execution(c, job_id, device_id); });
  // An execution not yet released does not exist for the device.
  if (!e || !e->released_at) return errc::execution_not_found;
  return std::move(*e);
}

result<ota::firmware> job_service::firmware_of(const std::string& job_id) {
  auto j = find(job_id);
  if (!j) return j.error();
  auto f = firmware_.find(j->firmware_id);
  if (!f) return errc::firmware_not_found;
  return std::move(*f);
}

// Ends an execution (any final state), audits it, and queues a retry when the rollout allows.
void job_service::finish(storage::connection& c, const job& j, execution& e, execution_status to, common::millis now,
                         std::vector<std::string>& notify) {
  e.status = to;
  e.finished_at = now;
  e.timeout_at.reset();
  e.updated_at = now;
  ++e.version_number;
  job_store::save(c, e);
  const bool by_server =
      to == execution_status::timed_out || to == execution_status::canceled || to == execution_status::removed;
  audit_.append(c, {by_server ? scheduler.by : audit::actor{"device", e.device_id},
                    "job.execution",
                    "job",
                    j.id,
                    is_failure(to) ? audit::outcome::failure : audit::outcome::success,
                    "",
                    {{"device_id", e.device_id},
                     {"status", to_string(to)},
                     {"execution_number", e.execution_number},
                     {"details", json::parse(e.status_details)}}});
  const bool retry = (to == execution_status::failed || to == execution_status::timed_out) &&
                     e.execution_number <= j.rollout.max_retries && is_active(j.status);
  if (retry) {
    ++e.execution_number;
    ++e.version_number;
    e.status = execution_status::queued;
    e.released_at = now;
    e.started_at.reset();
    e.finished_at.reset();
    e.status_details = "{}";
    e.step.reset();
    e.percent.reset();
    job_store::save(c, e);
  }
  notify.push_back(e.device_id);
}

result<execution> job_service::apply(storage::connection& c, const job& j, execution e, const device_update& u,
                                     common::millis at) {
  if (u.expected_version && *u.expected_version != e.version_number) return errc::version_mismatch;
  if (is_terminal(e.status)) return errc::terminal_state_reached;
  if (!may_move(e.status, u.status, mover::device)) return errc::invalid_state_transition;
  if (u.status_details) {
    e.status_details = *u.status_details;
    read_progress(e);
  }
  const auto run_limit = std::int64_t{j.rollout.in_progress_timeout_s} * 1000;
  if (e.status == execution_status::queued) e.started_at = at;
  if (u.status == execution_status::in_progress) {
    e.status = execution_status::in_progress;
    e.timeout_at = *e.started_at + run_limit;
    // A step timeout shortens the wait for this step, never past the whole run's limit.
    if (u.step_timeout_minutes) e.timeout_at = std::min(*e.timeout_at, at + *u.step_timeout_minutes * 60000);
    e.updated_at = at;
    ++e.version_number;
    job_store::save(c, e);
  } else {
    std::vector<std::string> ignored;
    finish(c, j, e, u.status, at, ignored);
    // The device learns of its retry from notify-next; this answer is about what it reported.
    if (e.status == execution_status::queued) {
      e.status = u.status;
      e.version_number -= 1;
      e.execution_number -= 1;
    }
  }
  if (u.client_token) job_store::insert_token(c, j.id, e.device_id, *u.client_token, {e.version_number, e.status}, at);
  return e;
}

result<execution> job_service::update(const std::string& job_id, const std::string& device_id, const device_update& u) {
  if (u.step_timeout_minutes && (*u.step_timeout_minutes < 1 || *u.step_timeout_minutes > 10080))
    return errc::invalid_request;
  bool applied = false;
  auto out = db_.write_result([&](storage::connection& c) -> result<execution> {
    auto e = job_store::find_execution(c, job_id, device_id);
    if (!e || !e->released_at) return errc::execution_not_found;
    if (u.client_token)
      if (auto seen = job_store::find_token(c, job_id, device_id, *u.client_token)) {
        // A repeated update: answered as it was the first time, not applied again.
        e->version_number = seen->version_number;
        e->status = seen->status;
        return std::move(*e);
      }
    auto j = job_store::find(c, job_id);
    if (!j) return errc::job_not_found;
    auto result = apply(c, *j, std::move(*e), u, now());
    applied = result.has_value();
    return result;
  });
  if (applied) {
    if (is_terminal(out->status) && notify_) notify_({device_id});
    changed_soon(job_id);
  }
  return out;
}

result<std::optional<execution>> job_service::start_next(const std::string& device_id, const device_update& u) {
  std::optional<std::string> job_id;
  auto out = db_.write_result([&](storage::connection& c) -> result<std::optional<execution>> {
    auto pending = job_store::pending_for_device(c, device_id);
    if (pending.empty()) return std::optional<execution>{};
    auto e = std::move(pending.front());
    if (e.status == execution_status::in_progress) return std::optional<execution>{std::move(e)};
    auto j = job_store::find(c, e.job_id);
    if (!j) return errc::job_not_found;
    device_update start = u;
    start.status = execution_status::in_progress;
    start.expected_version.reset();
    start.client_token.reset();
    auto started = apply(c, *j, std::move(e), start, now());
    if (!started) return started.error();
    job_id = started->job_id;
    return std::optional<execution>{std::move(*started)};
  });
  if (job_id) changed_soon(*job_id);
  return out;
}

// --- the scheduler ---------------------------------------------------------------------------

void job_service::add_new_targets(storage::connection& c, const job& j, common::millis at) {
  auto f = ota::firmware_store::find(c, j.firmware_id);
  auto resolved = resolve_(c, j.targets);
  if (!f || !resolved) return;  // a group deleted since: the job keeps what it has
  auto known = job_store::device_ids(c, j.id);
  std::vector<std::string> fresh_ids;
  for (const auto& d : *resolved)
    if (!known.contains(d.device_id)) fresh_ids.push_back(d.device_id);
  if (fresh_ids.empty()) return;
  auto busy = job_store::busy_devices(c, fresh_ids);
  const std::set<std::string> models(f->models.begin(), f->models.end());
  auto seq = job_store::next_seq(c, j.id);
  for (const auto& d : *resolved) {
    if (known.contains(d.device_id) || skip_reason(d, models, f->version, busy)) continue;
    known.insert(d.device_id);
    execution e;
    e.job_id = j.id;
    e.device_id = d.device_id;
    e.seq = seq++;
    e.queued_at = e.updated_at = at;
    job_store::insert(c, e);
  }
}

void job_service::tick_job(storage::connection& c, const job& j, common::millis at, std::vector<std::string>& notify) {
  // A continuous job looks for devices that joined its targets since (every 30 s at most).
  if (j.continuous && j.status == job_status::in_progress) {
    bool due = false;
    {
      std::lock_guard lock(last_resolved_mutex_);
      auto& last = last_resolved_[j.id];
      if (at - last >= continuous_every_ms) {
        last = at;
        due = true;
      }
    }
    if (due) add_new_targets(c, j, at);
  }
  auto p = progress_of(c, j, at);
  if (j.status == job_status::in_progress && should_abort(j.rollout, p)) {
    for (auto& e : job_store::in_status(c, j.id, {execution_status::queued}))
      finish(c, j, e, execution_status::canceled, at, notify);
    auto reason = std::to_string(p.failures) + " of " + std::to_string(p.finished) +
                  " finished executions failed, over the abort threshold of " +
                  std::to_string(static_cast<int>(j.rollout.abort_failure_percent)) + "%";
    job_store::set_status(c, j.id, job_status::aborted, reason, at);
    audit_.append(c, job_event(scheduler, "job.abort", j.id, {{"reason", reason}}));
    return;
  }
  if (j.status == job_status::in_progress) {
    auto d = decide_release(j.rollout, p, at);
    if (d.wave != j.wave || d.wave_opens_at != j.wave_opens_at)
      job_store::set_wave(c, j.id, d.wave, d.wave_opens_at, at);
    for (auto& device : job_store::release_next(c, j.id, d.release, at)) notify.push_back(std::move(device));
    if (d.release > 0) p = progress_of(c, j, at);
  }
  if (p.finished == p.total && !j.continuous) {
    job_store::set_status(c, j.id, job_status::completed, std::nullopt, at);
    audit_.append(c, job_event(scheduler, "job.complete", j.id,
                               {{"succeeded", p.succeeded}, {"failed", p.failures}, {"total", p.total}}));
  }
}

void job_service::tick() {
  std::vector<std::string> notify;
  std::set<std::string> touched;
  db_.write([&](storage::connection& c) {
    auto at = now();
    for (auto& e : job_store::timed_out(c, at, tick_timeout_batch)) {
      auto j = job_store::find(c, e.job_id);
      if (!j) continue;
      finish(c, *j, e, execution_status::timed_out, at, notify);
      touched.insert(j->id);
    }
    for (const auto& j : job_store::active(c)) {
      auto before = notify.size();
      auto status = j.status;
      tick_job(c, j, at, notify);
      auto after = job_store::find(c, j.id);
      if (notify.size() != before || (after && after->status != status)) touched.insert(j.id);
    }
  });
  if (notify_ && !notify.empty()) {
    std::sort(notify.begin(), notify.end());
    notify.erase(std::unique(notify.begin(), notify.end()), notify.end());
    notify_(notify);
  }
  {
    std::lock_guard lock(changed_mutex_);
    touched.insert(changed_.begin(), changed_.end());
    changed_.clear();
  }
  for (const auto& id : touched) changed(id);
  keep_samples(sampler_.due(now()));
}

}  // namespace mothership::jobs
