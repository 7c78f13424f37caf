#include "jobs/progress_sampler.hpp"

#include <gtest/gtest.h>

namespace mothership::jobs {
namespace {

progress_sample counts(common::millis at, std::int64_t queued, std::int64_t completed) {
  return {.at = at, .queued = queued, .completed = completed};
}

TEST(progress_sampler, the_first_change_of_a_job_is_kept_at_once) {
  progress_sampler sampler(2000);
  auto kept = sampler.offer("job_a", counts(1000, 5, 0), false);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->at, 1000);
  EXPECT_TRUE(sampler.offer("job_b", counts(1001, 3, 0), false));  // each job has its own interval
}

TEST(progress_sampler, changes_within_the_interval_are_held_and_the_latest_kept_when_it_passes) {
  progress_sampler sampler(2000);
  sampler.offer("job_a", counts(0, 5, 0), false);
  EXPECT_FALSE(sampler.offer("job_a", counts(500, 4, 1), false));
  EXPECT_FALSE(sampler.offer("job_a", counts(1500, 3, 2), false));
  EXPECT_TRUE(sampler.due(1999).empty());
  auto due = sampler.due(2000);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].first, "job_a");
  EXPECT_EQ(due[0].second.at, 2000);  // stamped when kept: the chart's points stay 2 s apart
  EXPECT_EQ(due[0].second.completed, 2);
  EXPECT_TRUE(sampler.due(10000).empty());                          // kept once
  EXPECT_FALSE(sampler.offer("job_a", counts(3000, 2, 3), false));  // 1 s after the kept one
  EXPECT_TRUE(sampler.offer("job_a", counts(4100, 1, 4), false));   // 2.1 s after it
}

TEST(progress_sampler, unchanged_counts_make_no_sample_and_a_return_to_them_drops_what_was_held) {
  progress_sampler sampler(2000);
  sampler.offer("job_a", counts(0, 5, 0), false);
  EXPECT_FALSE(sampler.offer("job_a", counts(5000, 5, 0), false));  // long after, but nothing changed
  EXPECT_TRUE(sampler.offer("job_a", counts(5100, 4, 1), false));
  EXPECT_FALSE(sampler.offer("job_a", counts(5200, 3, 2), false));  // held ...
  EXPECT_FALSE(sampler.offer("job_a", counts(5300, 4, 1), false));  // ... and undone
  EXPECT_TRUE(sampler.due(20000).empty());
}

TEST(progress_sampler, the_final_sample_is_kept_at_once_and_replaces_what_was_held) {
  progress_sampler sampler(2000);
  sampler.offer("job_a", counts(0, 5, 0), false);
  sampler.offer("job_a", counts(100, 1, 4), false);
  auto final = sampler.offer("job_a", counts(200, 0, 5), true);
  ASSERT_TRUE(final);
  EXPECT_EQ(final->completed, 5);
  EXPECT_TRUE(sampler.due(5000).empty());
  EXPECT_TRUE(sampler.offer("job_a", counts(300, 0, 5), true));  // a final sample is never refused
}

TEST(progress_sampler, sample_of_groups_the_statuses_as_the_portal_does) {
  job_counts c;
  c.by_status = {{execution_status::queued, 1},   {execution_status::in_progress, 2}, {execution_status::succeeded, 3},
                 {execution_status::failed, 4},   {execution_status::timed_out, 5},   {execution_status::rejected, 6},
                 {execution_status::canceled, 7}, {execution_status::removed, 8}};
  auto s = sample_of(c, 42);
  EXPECT_EQ((std::vector<std::int64_t>{s.at, s.queued, s.in_progress, s.completed, s.failed, s.canceled}),
            (std::vector<std::int64_t>{42, 1, 2, 3, 15, 15}));
}

}  // namespace
}  // namespace mothership::jobs
