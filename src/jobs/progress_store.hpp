#pragma once
// SQL for job_progress_samples: the samples progress_sampler keeps, at most `max_samples` per
// job. A job that reaches the cap loses every other sample but its first and last, so a long
// rollout's chart keeps its whole span, coarser in its older part.
#include <string>
#include <vector>

#include "jobs/progress_sampler.hpp"
#include "storage/database.hpp"

namespace mothership::jobs::progress_store {

constexpr std::int64_t max_samples = 2000;

// A second sample in the same millisecond replaces the first.
void insert(storage::connection& c, const std::string& job_id, const progress_sample& s,
            std::int64_t cap = max_samples);
// Oldest first.
std::vector<progress_sample> samples(storage::connection& c, const std::string& job_id);

}  // namespace mothership::jobs::progress_store
