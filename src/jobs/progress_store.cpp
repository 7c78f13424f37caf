#include "jobs/progress_store.hpp"

namespace mothership::jobs::progress_store {

namespace {

void thin(storage::connection& c, const std::string& job_id) {
  auto rows = c.query("SELECT at FROM job_progress_samples WHERE job_id = $1 ORDER BY at", {job_id});
  for (std::size_t i = 1; i + 1 < rows.size(); i += 2)
    c.execute("DELETE FROM job_progress_samples WHERE job_id = $1 AND at = $2", {job_id, rows[i].integer(0)});
}

}  // namespace

void insert(storage::connection& c, const std::string& job_id, const progress_sample& s, std::int64_t cap) {
  auto kept = c.query_one("SELECT COUNT(*) FROM job_progress_samples WHERE job_id = $1", {job_id})->integer(0);
  if (kept >= cap) thin(c, job_id);
  c.execute(
      "INSERT INTO job_progress_samples (job_id, at, queued, in_progress, completed, failed, canceled)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7)"
      " ON CONFLICT (job_id, at) DO UPDATE SET queued = excluded.queued, in_progress = excluded.in_progress,"
      " completed = excluded.completed, failed = excluded.failed, canceled = excluded.canceled",
      {job_id, s.at, s.queued, s.in_progress, s.completed, s.failed, s.canceled});
}

std::vector<progress_sample> samples(storage::connection& c, const std::string& job_id) {
  std::vector<progress_sample> out;
  for (const auto& r : c.query("SELECT at, queued, in_progress, completed, failed, canceled FROM job_progress_samples"
                               " WHERE job_id = $1 ORDER BY at",
                               {job_id}))
    out.push_back({r.integer(0), r.integer(1), r.integer(2), r.integer(3), r.integer(4), r.integer(5)});
  return out;
}

}  // namespace mothership::jobs::progress_store
