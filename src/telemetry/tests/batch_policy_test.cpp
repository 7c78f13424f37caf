#include "telemetry/batch_policy.hpp"

#include <gtest/gtest.h>

using namespace mothership::telemetry;
using namespace std::chrono_literals;

TEST(batch_policy, commits_at_n_rows_or_after_t_whichever_first) {
  batch_policy p(100, 50ms);
  const auto t0 = batch_policy::clock::time_point{} + 1h;  // a fake clock
  EXPECT_FALSE(p.due(t0));
  EXPECT_FALSE(p.deadline());
  p.added(40, t0);
  EXPECT_FALSE(p.due(t0 + 10ms));
  EXPECT_EQ(p.deadline(), t0 + 50ms);
  p.added(59, t0 + 20ms);
  EXPECT_FALSE(p.due(t0 + 20ms));
  p.added(1, t0 + 21ms);  // the hundredth row: due at once
  EXPECT_TRUE(p.due(t0 + 21ms));
  p.committed();
  EXPECT_FALSE(p.due(t0 + 1h));

  p.added(1, t0 + 100ms);  // a quiet fleet: due by age
  EXPECT_FALSE(p.due(t0 + 149ms));
  EXPECT_TRUE(p.due(t0 + 150ms));
}

TEST(batch_policy, a_message_of_no_rows_still_waits_to_be_answered) {
  batch_policy p(100, 50ms);
  const auto t0 = batch_policy::clock::time_point{} + 1h;
  p.added(0, t0);
  EXPECT_TRUE(p.waiting());
  EXPECT_TRUE(p.due(t0 + 50ms));
}

TEST(batch_policy, a_pause_in_the_input_commits_before_the_age_limit) {
  batch_policy p(5000, 50ms, 2ms);
  const auto t0 = batch_policy::clock::time_point{} + 1h;
  p.added(1, t0);
  p.added(1, t0 + 1ms);  // still coming: the pause counts from the last message
  EXPECT_FALSE(p.due(t0 + 2ms));
  EXPECT_EQ(p.deadline(), t0 + 3ms);
  EXPECT_TRUE(p.due(t0 + 3ms));
  p.committed();
  // A steady stream never pauses: the age limit still holds.
  for (int i = 0; i < 60; ++i) p.added(1, t0 + 10ms + std::chrono::milliseconds(i));
  EXPECT_TRUE(p.due(t0 + 60ms));
  EXPECT_EQ(p.deadline(), t0 + 60ms);
}
