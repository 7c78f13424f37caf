#include "telemetry/payload.hpp"

#include <gtest/gtest.h>

using namespace mothership::telemetry;

namespace {

constexpr std::int64_t now = 1'765'000'000'000;

std::vector<sample> ok(std::string_view payload, source from = source::telemetry) {
  auto r = parse_payload(from, payload, now, {});
  if (auto* refused = std::get_if<refusal>(&r)) ADD_FAILURE() << payload << ": " << refused->reason;
  return std::holds_alternative<std::vector<sample>>(r) ? std::get<std::vector<sample>>(r) : std::vector<sample>{};
}

refusal refused(std::string_view payload, payload_limits limits = {}) {
  auto r = parse_payload(source::telemetry, payload, now, limits);
  if (!std::holds_alternative<refusal>(r)) {
    ADD_FAILURE() << payload.substr(0, 100) << ": was accepted";
    return {};
  }
  return std::get<refusal>(r);
}

}  // namespace

TEST(payload, an_object_of_values_is_read_at_the_server_time) {
  auto s = ok(R"({"temperature": 21.5, "door_open": false, "mode": "eco", "count": 3})");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].key, "temperature");
  EXPECT_EQ(std::get<double>(s[0].value), 21.5);
  EXPECT_EQ(std::get<bool>(s[1].value), false);
  EXPECT_EQ(std::get<std::string>(s[2].value), "eco");
  EXPECT_EQ(std::get<double>(s[3].value), 3.0);
  for (const auto& x : s) {
    EXPECT_EQ(x.ts, now);
    EXPECT_EQ(x.received_at, now);
  }
}

TEST(payload, readings_without_a_time_take_the_given_server_time) {
  auto r = parse_payload(source::telemetry, R"({"t": 1})", now, {}, now + 3);
  EXPECT_EQ(std::get<std::vector<sample>>(r).front().ts, now + 3);
  EXPECT_EQ(std::get<std::vector<sample>>(r).front().received_at, now);
}

TEST(payload, a_timestamped_reading_and_a_batch_keep_the_device_time) {
  auto one = ok(R"({"ts": 1764999990000, "values": {"t": 1}})");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].ts, 1764999990000);
  EXPECT_EQ(one[0].received_at, now);
  auto batch = ok(R"([{"ts": 1764999990000, "values": {"t": 1, "h": 2}}, {"ts": 1764999995000, "values": {"t": 3}}])");
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch[2].ts, 1764999995000);
  EXPECT_EQ(std::get<double>(batch[2].value), 3.0);
}

TEST(payload, what_is_not_json_or_not_a_reading_is_malformed) {
  for (auto bad : {"not json",
                   "",
                   "42",
                   "\"text\"",
                   "null",
                   "[]",
                   "{}",
                   R"({"a": [1]})",
                   R"({"a": {"b": 1}})",
                   R"({"a": null})",
                   R"([1, 2])",
                   R"([{"ts": 1764999990000}])",
                   R"([{"values": {"a": 1}}])",
                   R"([{"ts": "soon", "values": {"a": 1}}])",
                   R"([{"ts": 1764999990000.5, "values": {"a": 1}}])",
                   R"({"bad key": 1})",
                   R"({"1abc": 1})",
                   R"({"a": NaN})",
                   R"({"a": Infinity})",
                   R"({"a": 1e999})"}) {
    auto r = refused(bad);
    EXPECT_EQ(r.what, refusal::kind::malformed) << bad;
    EXPECT_FALSE(r.reason.empty()) << bad;
  }
}

TEST(payload, nesting_a_thousand_deep_is_refused_by_the_parser) {
  std::string deep(1000, '[');
  deep += std::string(1000, ']');
  auto r = refused(deep);
  EXPECT_EQ(r.what, refusal::kind::malformed);
  EXPECT_NE(r.reason.find("nested"), std::string::npos) << r.reason;
}

TEST(payload, limits_are_over_limit_refusals_that_say_which) {
  std::string many = "{";
  for (int i = 0; i < 10000; ++i) many += (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\":1";
  many += "}";
  auto keys = refused(many);
  EXPECT_EQ(keys.what, refusal::kind::over_limit);
  EXPECT_NE(keys.reason.find("10000 values"), std::string::npos) << keys.reason;

  auto big = refused("{\"note\": \"" + std::string(1'000'000, 'x') + "\"}");
  EXPECT_EQ(big.what, refusal::kind::over_limit);
  EXPECT_NE(big.reason.find("1000000 bytes"), std::string::npos) << big.reason;

  auto long_key = refused("{\"" + std::string(65, 'k') + "\": 1}");
  EXPECT_EQ(long_key.what, refusal::kind::over_limit);

  payload_limits small;
  small.max_batch = 2;
  auto batch = refused(R"([{"ts": 1764999990000, "values": {"a": 1}}, {"ts": 1764999990001, "values": {"a": 1}},
                          {"ts": 1764999990002, "values": {"a": 1}}])",
                       small);
  EXPECT_EQ(batch.what, refusal::kind::over_limit);
}

TEST(payload, a_clock_far_ahead_or_far_behind_is_refused) {
  // The year 3000.
  auto future = refused(R"({"ts": 32503680000000, "values": {"a": 1}})");
  EXPECT_NE(future.reason.find("ahead"), std::string::npos) << future.reason;
  // A few seconds ahead is a clock that drifts: kept.
  ok(R"({"ts": 1765000010000, "values": {"a": 1}})");
  auto old = refused(R"({"ts": 1000, "values": {"a": 1}})");
  EXPECT_NE(old.reason.find("days old"), std::string::npos) << old.reason;
}

TEST(payload, one_bad_reading_refuses_the_whole_batch) {
  refused(R"([{"ts": 1764999990000, "values": {"a": 1}}, {"ts": 1764999990001, "values": {"a": [2]}}])");
}

TEST(payload, heartbeats_and_state_keep_their_scalars_and_are_never_refused) {
  auto state =
      ok(R"({"firmware_version": "1.4.2", "model": "Thermo 3", "uptime_s": 3600, "extra": {"x": 1}})", source::state);
  ASSERT_EQ(state.size(), 3u);
  EXPECT_EQ(std::get<std::string>(state[0].value), "1.4.2");
  EXPECT_EQ(std::get<double>(state[2].value), 3600.0);
  EXPECT_TRUE(ok("not json", source::heartbeat).empty());
  EXPECT_TRUE(ok("[1,2]", source::heartbeat).empty());
}
