#include "jobs/progress_sampler.hpp"

namespace mothership::jobs {

bool progress_sample::same_counts(const progress_sample& o) const {
  return queued == o.queued && in_progress == o.in_progress && completed == o.completed && failed == o.failed &&
         canceled == o.canceled;
}

progress_sample sample_of(const job_counts& counts, common::millis at) {
  progress_sample s;
  s.at = at;
  for (const auto& [status, n] : counts.by_status) {
    auto group = portal_group(status);
    if (group == "queued")
      s.queued += n;
    else if (group == "in_progress")
      s.in_progress += n;
    else if (group == "completed")
      s.completed += n;
    else if (group == "failed")
      s.failed += n;
    else
      s.canceled += n;
  }
  return s;
}

std::optional<progress_sample> progress_sampler::offer(const std::string& job_id, const progress_sample& s,
                                                       bool final) {
  std::lock_guard lock(mutex_);
  auto it = jobs_.find(job_id);
  if (final) {
    if (it != jobs_.end()) jobs_.erase(it);
    return s;
  }
  if (it == jobs_.end()) {
    jobs_[job_id] = {s, std::nullopt};
    return s;
  }
  auto& state = it->second;
  if (s.same_counts(state.last_kept)) {
    state.held.reset();  // back to what the chart already shows
    return std::nullopt;
  }
  if (s.at - state.last_kept.at < min_interval_) {
    state.held = s;
    return std::nullopt;
  }
  state.last_kept = s;
  state.held.reset();
  return s;
}

std::vector<std::pair<std::string, progress_sample>> progress_sampler::due(common::millis now) {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, progress_sample>> out;
  for (auto& [job_id, state] : jobs_) {
    if (!state.held || now - state.last_kept.at < min_interval_) continue;
    auto s = *state.held;
    s.at = now;
    state.last_kept = s;
    state.held.reset();
    out.emplace_back(job_id, s);
  }
  return out;
}

}  // namespace mothership::jobs
