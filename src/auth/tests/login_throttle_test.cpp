#include "auth/login_throttle.hpp"

#include <gtest/gtest.h>

using namespace mothership::auth;
using namespace std::chrono_literals;

TEST(login_throttle, free_failures_then_doubling_delays) {
  login_throttle t(3, 900);
  auto now = login_throttle::clock::now();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(t.retry_after("alice", "10.0.0.1", now), 0);
    t.record_failure("alice", "10.0.0.1", now);
  }
  EXPECT_EQ(t.retry_after("alice", "10.0.0.2", now), 1);
  t.record_failure("alice", "10.0.0.1", now);
  EXPECT_EQ(t.retry_after("alice", "10.0.0.3", now), 2);
  EXPECT_EQ(t.retry_after("alice", "10.0.0.3", now + 2s), 0);
  EXPECT_EQ(t.retry_after("bob", "10.0.0.9", now), 0);  // other accounts and addresses unaffected
}

TEST(login_throttle, delay_is_capped) {
  login_throttle t(1, 60);
  auto now = login_throttle::clock::now();
  for (int i = 0; i < 40; ++i) t.record_failure("alice", "a", now);
  EXPECT_EQ(t.retry_after("alice", "b", now), 60);
}

TEST(login_throttle, success_clears_the_account_but_not_the_address) {
  login_throttle t(1, 60);
  auto now = login_throttle::clock::now();
  for (int i = 0; i < 10; ++i) t.record_failure("user" + std::to_string(i), "spray", now);
  t.record_success("user9");
  EXPECT_EQ(t.retry_after("user9", "elsewhere", now), 0);
  EXPECT_GT(t.retry_after("fresh", "spray", now), 0);  // 10 failures > 1 * 4 free for an address
}

TEST(login_throttle, failures_fade_after_an_hour) {
  login_throttle t(2, 60);
  auto now = login_throttle::clock::now();
  for (int i = 0; i < 5; ++i) t.record_failure("alice", "a", now);
  t.record_failure("alice", "a", now + 2h);
  EXPECT_EQ(t.retry_after("alice", "b", now + 2h), 0);  // count restarted at 1
}
