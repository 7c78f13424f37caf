#include "telemetry/telemetry_store.hpp"

#include <gtest/gtest.h>

#include "telemetry_fixture.hpp"

using namespace mothership::telemetry;
using mothership::telemetry::testing::telemetry_fixture;

namespace {

constexpr std::int64_t m = 60'000, h = 60 * m;
constexpr std::int64_t t0 = 1'764'997'200'000;  // on the hour

sample num(const char* key, std::int64_t ts, double v) {
  return {key, ts, ts + 5, v};
}

class telemetry_store_test : public telemetry_fixture {};

}  // namespace

TEST_F(telemetry_store_test, appends_samples_and_skips_the_ones_already_there) {
  std::vector<device_samples> batch{{"dev_a", {num("t", t0, 1), num("t", t0 + 1000, 2), num("h", t0, 50)}},
                                    {"dev_b", {num("t", t0, 7)}}};
  EXPECT_EQ(store_->append(batch), 4u);
  // A resend of the same message: nothing doubles, rollups included.
  EXPECT_EQ(store_->append(batch), 0u);
  EXPECT_EQ(count("telemetry_samples"), 4);
  EXPECT_EQ(count("telemetry_series"), 3);
  auto one = store_->query("dev_a", {"t"}, {resolution::minute, m, t0, t0 + m, false}, aggregation::count, 10);
  ASSERT_EQ(one.front().points.size(), 1u);
  EXPECT_EQ(std::get<double>(one.front().points[0].value), 2);
}

TEST_F(telemetry_store_test, keeps_the_latest_value_per_key_whatever_the_order) {
  store_->append({{"dev_a", {num("t", t0 + 2000, 3), {"mode", t0, t0, std::string("eco")}}}});
  store_->append({{"dev_a", {num("t", t0 + 1000, 99)}}});  // older: not the latest
  auto latest = store_->latest("dev_a");
  ASSERT_EQ(latest.size(), 2u);
  EXPECT_EQ(latest[0].key, "mode");
  EXPECT_EQ(std::get<std::string>(latest[0].value), "eco");
  EXPECT_EQ(latest[1].key, "t");
  EXPECT_EQ(std::get<double>(latest[1].value), 3);
  EXPECT_EQ(latest[1].ts, t0 + 2000);
  EXPECT_EQ(latest[1].received_at, t0 + 2005);
  auto page = store_->latest_of({"dev_a", "dev_none"});
  EXPECT_EQ(page.size(), 1u);
  EXPECT_EQ(store_->keys_of("dev_a"), (std::vector<std::string>{"mode", "t"}));
}

TEST_F(telemetry_store_test, rollups_answer_the_same_as_raw_samples) {
  // Three hours at one sample every 10 s, in several batches.
  std::vector<sample> all;
  for (std::int64_t t = t0; t < t0 + 3 * h; t += 10'000)
    all.push_back(num("t", t, static_cast<double>((t / 10'000) % 17)));
  for (std::size_t i = 0; i < all.size(); i += 250) {
    std::vector<sample> part(all.begin() + i, all.begin() + std::min(all.size(), i + 250));
    store_->append({{"dev_a", part}});
  }
  for (auto agg : {aggregation::avg, aggregation::min, aggregation::max, aggregation::sum, aggregation::count,
                   aggregation::last}) {
    auto raw = store_->query("dev_a", {"t"}, {resolution::raw, h, t0, t0 + 3 * h, false}, agg, 100);
    auto minutes = store_->query("dev_a", {"t"}, {resolution::minute, h, t0, t0 + 3 * h, false}, agg, 100);
    auto hours = store_->query("dev_a", {"t"}, {resolution::hour, h, t0, t0 + 3 * h, false}, agg, 100);
    ASSERT_EQ(raw.front().points.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(raw.front().points[i].ts, t0 + static_cast<std::int64_t>(i) * h);
      EXPECT_DOUBLE_EQ(std::get<double>(minutes.front().points[i].value), std::get<double>(raw.front().points[i].value))
          << name(agg);
      EXPECT_DOUBLE_EQ(std::get<double>(hours.front().points[i].value), std::get<double>(raw.front().points[i].value))
          << name(agg);
    }
  }
}

TEST_F(telemetry_store_test, raw_points_stop_at_the_limit_and_say_so) {
  std::vector<sample> s;
  for (int i = 0; i < 20; ++i) s.push_back(num("t", t0 + i * 1000, i));
  store_->append({{"dev_a", s}});
  auto r = store_->query("dev_a", {"t", "unknown"}, {resolution::raw, 0, t0, t0 + h, false}, aggregation::avg, 15);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].points.size(), 15u);
  EXPECT_TRUE(r[0].truncated);
  EXPECT_TRUE(r[1].points.empty());
}

TEST_F(telemetry_store_test, booleans_roll_up_as_numbers_and_strings_stay_raw) {
  store_->append({{"dev_a",
                   {{"door", t0, t0, true},
                    {"door", t0 + 1000, t0, false},
                    {"door", t0 + 2000, t0, true},
                    {"mode", t0, t0, std::string("eco")},
                    {"mode", t0 + 1000, t0, std::string("boost")}}}});
  auto r = store_->query("dev_a", {"door", "mode"}, {resolution::minute, m, t0, t0 + m, false}, aggregation::avg, 10);
  EXPECT_NEAR(std::get<double>(r[0].points.at(0).value), 2.0 / 3, 1e-9);
  EXPECT_EQ(r[0].kind, value_kind::boolean);
  ASSERT_EQ(r[1].points.size(), 2u);
  EXPECT_EQ(std::get<std::string>(r[1].points[1].value), "boost");
  auto last = store_->query("dev_a", {"door"}, {resolution::minute, m, t0, t0 + m, false}, aggregation::last, 10);
  EXPECT_EQ(std::get<bool>(last[0].points.at(0).value), true);
}

TEST_F(telemetry_store_test, each_sample_streams_in_device_key_time_order_with_filters) {
  store_->append(
      {{"dev_b", {num("t", t0 + 1, 1), num("a", t0, 2)}}, {"dev_a", {num("t", t0 + 5, 3), num("t", t0, 4)}}});
  std::vector<std::string> seen;
  store_->each_sample({{}, {}, t0, t0 + h}, [&](const sample_row& r) {
    seen.push_back(r.device_id + "/" + r.key + "@" + std::to_string(r.ts - t0));
    return true;
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"dev_a/t@0", "dev_a/t@5", "dev_b/a@0", "dev_b/t@1"}));
  seen.clear();
  store_->each_sample({{"dev_b"}, {"t"}, t0, t0 + h}, [&](const sample_row& r) {
    seen.push_back(r.device_id + "/" + r.key);
    return true;
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"dev_b/t"}));
}

TEST_F(telemetry_store_test, delete_older_removes_only_what_is_past_its_cutoff) {
  store_->append({{"dev_a", {num("t", t0, 1), num("t", t0 + h, 2), num("debug.x", t0, 3), num("debug.x", t0 + h, 4)}}});
  std::uint64_t deleted = 0;
  std::int64_t after = 0;
  do {
    after = store_->delete_older(
        resolution::raw, after, 1,
        [](const std::string& key) { return key.starts_with("debug.") ? t0 + 2 * h : t0 + 1; }, deleted);
  } while (after != 0);
  EXPECT_EQ(deleted, 3u);
  EXPECT_EQ(count("telemetry_samples"), 1);
  EXPECT_EQ(count("telemetry_rollup_1m"), 4);  // rollups have their own age
}
