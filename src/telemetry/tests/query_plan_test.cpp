#include "telemetry/query_plan.hpp"

#include <gtest/gtest.h>

using namespace mothership::telemetry;

namespace {

constexpr std::int64_t s = 1000, m = 60 * s, h = 60 * m, d = 24 * h;
constexpr std::int64_t now = 1'765'000'000'000;

query_plan plan(std::int64_t range, std::optional<std::int64_t> interval = std::nullopt, std::size_t limit = 1000) {
  auto r = plan_query({now - range, now, interval, limit, now}, {}, {});
  if (auto* e = std::get_if<std::string>(&r)) {
    ADD_FAILURE() << *e;
    return {};
  }
  return std::get<query_plan>(r);
}

std::string refused(query_request r) {
  auto p = plan_query(r, {}, {});
  EXPECT_TRUE(std::holds_alternative<std::string>(p));
  return std::holds_alternative<std::string>(p) ? std::get<std::string>(p) : std::string();
}

}  // namespace

TEST(query_plan, the_interval_follows_the_range_and_picks_the_source) {
  auto hour = plan(h);
  EXPECT_EQ(hour.interval_ms, 5 * s);  // 720 points
  EXPECT_EQ(hour.source, resolution::raw);
  auto day = plan(d);
  EXPECT_EQ(day.interval_ms, 2 * m);
  EXPECT_EQ(day.source, resolution::minute);
  auto month = plan(30 * d);
  EXPECT_EQ(month.interval_ms, h);
  EXPECT_EQ(month.source, resolution::hour);
  auto ninety = plan(90 * d);  // a 90-day chart reads hourly rollups, never raw rows
  EXPECT_EQ(ninety.source, resolution::hour);
  EXPECT_FALSE(ninety.truncated);
}

TEST(query_plan, buckets_are_aligned_to_the_epoch) {
  auto p = plan(h, 5 * m);
  EXPECT_EQ(p.from % (5 * m), 0);
  EXPECT_LE(p.from, now - h);
  EXPECT_EQ(p.source, resolution::minute);
}

TEST(query_plan, whole_hours_read_the_hourly_rollups) {
  EXPECT_EQ(plan(7 * d, 3 * h).source, resolution::hour);
  EXPECT_EQ(plan(7 * d, 90 * m).source, resolution::minute);
}

TEST(query_plan, more_buckets_than_the_limit_are_cut_and_said) {
  auto p = plan(d, m, 100);
  EXPECT_TRUE(p.truncated);
  EXPECT_EQ(p.to, p.from + 100 * m);
}

TEST(query_plan, raw_samples_unbucketed) {
  auto p = plan(h, 0);
  EXPECT_EQ(p.interval_ms, 0);
  EXPECT_EQ(p.source, resolution::raw);
  EXPECT_EQ(p.from, now - h);
}

TEST(query_plan, requests_that_cannot_be_answered_say_why) {
  EXPECT_NE(refused({now - 100 * 365 * d, now, std::nullopt, 1000, now}).find("at most"), std::string::npos);
  EXPECT_NE(refused({now, now - 1, std::nullopt, 1000, now}).find("after"), std::string::npos);
  EXPECT_NE(refused({now - d, now, std::nullopt, 10'000'000, now}).find("limit"), std::string::npos);
  EXPECT_NE(refused({now - d, now, 90 * s, 1000, now}).find("whole minutes"), std::string::npos);
  // Raw data is gone after 30 days; minute rollups after 90.
  EXPECT_NE(refused({now - 40 * d, now, 10 * s, 1000, now}).find("raw samples are kept"), std::string::npos);
  EXPECT_NE(refused({now - 100 * d, now, 5 * m, 1000, now}).find("whole hours"), std::string::npos);
}

TEST(query_plan, intervals_parse) {
  EXPECT_EQ(parse_interval_ms("raw"), 0);
  EXPECT_EQ(parse_interval_ms("30s"), 30 * s);
  EXPECT_EQ(parse_interval_ms("5m"), 5 * m);
  EXPECT_EQ(parse_interval_ms("1h"), h);
  EXPECT_EQ(parse_interval_ms("7d"), 7 * d);
  EXPECT_EQ(parse_interval_ms("120"), 120 * s);
  for (auto bad : {"", "0", "-5m", "5x", "m", "1.5h", "99999999999d"}) EXPECT_FALSE(parse_interval_ms(bad)) << bad;
}
