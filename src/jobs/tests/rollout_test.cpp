#include "jobs/rollout.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace mothership::jobs {
namespace {

rollout_config parse(const char* text) {
  auto r = parse_rollout(boost::json::parse(text).as_object());
  EXPECT_TRUE(r.config) << r.field << ": " << r.error;
  return r.config.value_or(rollout_config{});
}

TEST(rollout, parses_checks_and_writes_back) {
  auto c = parse(R"({"max_per_minute": 10, "growth_factor": 2, "growth_every": 5,
                     "waves": [{"percent": 1, "soak_s": 60}, {"percent": 10}, {"percent": 100}],
                     "abort_failure_percent": 5, "abort_min_finished": 20, "in_progress_timeout_s": 600,
                     "max_retries": 2})");
  EXPECT_EQ(c.max_per_minute, 10);
  EXPECT_EQ(c.waves.size(), 3u);
  EXPECT_EQ(c.waves[0].soak_s, 60);
  auto again = parse_rollout(to_json(c));
  ASSERT_TRUE(again.config);
  EXPECT_EQ(again.config->max_retries, 2);
  EXPECT_EQ(again.config->waves[1].percent, 10);

  for (const char* bad :
       {R"({"max_per_minute": -1})", R"({"waves": [{"percent": 50}]})",
        R"({"waves": [{"percent": 10}, {"percent": 5}, {"percent": 100}]})", R"({"abort_failure_percent": 101})",
        R"({"in_progress_timeout_s": 5})", R"({"max_retries": "2"})", R"({"growth_factor": 0.5})"}) {
    auto r = parse_rollout(boost::json::parse(bad).as_object());
    EXPECT_FALSE(r.config) << bad;
    EXPECT_TRUE(r.field.starts_with("rollout.")) << bad;
  }
}

TEST(rollout, without_limits_everything_goes_at_once) {
  rollout_config c;
  auto d = decide_release(c, {.total = 500}, 0);
  EXPECT_EQ(d.release, 500);
}

TEST(rollout, the_rate_limits_releases_per_minute_and_grows_after_successes) {
  rollout_config c;
  c.max_per_minute = 10;
  EXPECT_EQ(decide_release(c, {.total = 100}, 0).release, 10);
  EXPECT_EQ(decide_release(c, {.total = 100, .released = 10, .released_last_minute = 10}, 1000).release, 0);
  EXPECT_EQ(decide_release(c, {.total = 100, .released = 10, .released_last_minute = 4}, 61000).release, 6);
  c.growth_factor = 2;
  c.growth_every = 5;
  EXPECT_EQ(current_rate(c, 4), 10);
  EXPECT_EQ(current_rate(c, 5), 20);
  EXPECT_EQ(current_rate(c, 12), 40);
  EXPECT_EQ(decide_release(c, {.total = 100, .released = 10, .succeeded = 10}, 61000).release, 40);
}

TEST(rollout, waves_wait_for_the_previous_one_to_finish_and_soak) {
  rollout_config c;
  c.waves = {{10, 300}, {50, 0}, {100, 0}};
  EXPECT_EQ(wave_limit(c, 0, 200), 20);
  EXPECT_EQ(wave_limit(c, 0, 5), 1);  // rounded up: a small fleet's first wave is not empty
  EXPECT_EQ(wave_limit(c, 2, 200), 200);

  rollout_progress p{.total = 200};
  auto d = decide_release(c, p, 0);
  EXPECT_EQ((std::pair{d.release, d.wave}), (std::pair{std::int64_t{20}, 0}));
  p.released = 20;
  p.finished = 19;
  d = decide_release(c, p, 1000);  // one still running: the wave is not done
  EXPECT_EQ((std::pair{d.release, d.wave}), (std::pair{std::int64_t{0}, 0}));
  EXPECT_FALSE(d.wave_opens_at);
  p.finished = 20;
  d = decide_release(c, p, 2000);  // done: the soak starts
  EXPECT_EQ(d.release, 0);
  ASSERT_TRUE(d.wave_opens_at);
  EXPECT_EQ(*d.wave_opens_at, 2000 + 300000);
  p.wave_opens_at = d.wave_opens_at;
  EXPECT_EQ(decide_release(c, p, 200000).release, 0);
  d = decide_release(c, p, 302000);  // soaked: the next wave opens
  EXPECT_EQ((std::pair{d.release, d.wave}), (std::pair{std::int64_t{80}, 1}));
  EXPECT_FALSE(d.wave_opens_at);
}

TEST(rollout, aborts_at_the_failure_share_once_enough_have_finished) {
  rollout_config c;
  c.abort_failure_percent = 5;
  c.abort_min_finished = 20;
  EXPECT_FALSE(should_abort(c, {.finished = 19, .failures = 10}));
  EXPECT_FALSE(should_abort(c, {.finished = 100, .failures = 4}));
  EXPECT_TRUE(should_abort(c, {.finished = 100, .failures = 5}));
  c.abort_failure_percent = 0;
  EXPECT_FALSE(should_abort(c, {.finished = 100, .failures = 100}));
}

}  // namespace
}  // namespace mothership::jobs
