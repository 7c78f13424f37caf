// Offline and heartbeat rules, on a fake clock (plain numbers).
#include <gtest/gtest.h>

#include "rules/engine.hpp"
#include "rules/parse_condition.hpp"

namespace mothership::rules {
namespace {

constexpr std::int64_t t0 = 1'700'000'000'000;
constexpr std::int64_t second = 1000;
constexpr std::int64_t minute = 60 * second;

rule make_rule(std::string id, std::string_view text, int heartbeat_interval_s = 60) {
  auto parsed = parse_condition(text);
  EXPECT_TRUE(std::holds_alternative<condition>(parsed)) << text;
  rule r;
  r.id = std::move(id);
  r.when = std::holds_alternative<condition>(parsed) ? std::get<condition>(parsed) : condition{};
  r.heartbeat_interval_s = heartbeat_interval_s;
  return r;
}

engine with_rules(std::vector<rule> rules) {
  engine e;
  e.set_rules(std::move(rules));
  return e;
}

TEST(offline_rule, raises_after_ten_minutes_offline_and_clears_on_reconnect) {
  engine e = with_rules({make_rule("gone", "offline for 10m")});
  EXPECT_TRUE(e.on_connected("dev-1", t0).empty());
  EXPECT_TRUE(e.on_disconnected("dev-1", t0 + minute).empty());
  EXPECT_TRUE(e.tick(t0 + 11 * minute - 1).empty());
  auto raised = e.tick(t0 + 11 * minute);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].kind, transition_kind::raised);
  EXPECT_EQ(raised[0].at_ms, t0 + 11 * minute);
  EXPECT_EQ(raised[0].summary, "offline for 10m");
  EXPECT_EQ(raised[0].value, std::nullopt);
  EXPECT_TRUE(e.tick(t0 + 60 * minute).empty());

  auto cleared = e.on_connected("dev-1", t0 + 61 * minute);
  ASSERT_EQ(cleared.size(), 1u);
  EXPECT_EQ(cleared[0].kind, transition_kind::cleared);
  EXPECT_EQ(cleared[0].at_ms, t0 + 61 * minute);
  EXPECT_EQ(cleared[0].summary, "back online");
  EXPECT_EQ(e.tracked_pairs(), 0u);
}

TEST(offline_rule, does_not_raise_when_the_device_is_back_within_the_duration) {
  engine e = with_rules({make_rule("gone", "offline for 10m")});
  e.on_disconnected("dev-1", t0);
  EXPECT_TRUE(e.tick(t0 + 9 * minute).empty());
  EXPECT_TRUE(e.on_connected("dev-1", t0 + 9 * minute).empty());
  EXPECT_TRUE(e.tick(t0 + 30 * minute).empty());
  EXPECT_EQ(e.tracked_pairs(), 0u);
}

TEST(offline_rule, counts_from_the_first_of_repeated_disconnects) {
  engine e = with_rules({make_rule("gone", "offline for 10m")});
  e.on_disconnected("dev-1", t0);
  e.on_disconnected("dev-1", t0 + 5 * minute);
  EXPECT_EQ(e.tick(t0 + 10 * minute).size(), 1u);
}

TEST(offline_rule, a_reconnect_after_the_due_moment_raises_before_it_clears) {
  engine e = with_rules({make_rule("gone", "offline for 10m")});
  e.on_disconnected("dev-1", t0);
  auto out = e.on_connected("dev-1", t0 + 10 * minute + 500);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].kind, transition_kind::raised);
  EXPECT_EQ(out[0].at_ms, t0 + 10 * minute);
  EXPECT_EQ(out[1].kind, transition_kind::cleared);
}

TEST(offline_rule, a_new_rule_counts_from_the_disconnect_of_devices_already_offline) {
  engine e;
  e.on_disconnected("dev-1", t0);
  e.set_rules({make_rule("gone", "offline for 10m")});
  auto raised = e.tick(t0 + 10 * minute);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].at_ms, t0 + 10 * minute);
}

TEST(offline_rule, a_restored_alert_clears_on_connect) {
  engine e = with_rules({make_rule("gone", "offline for 10m")});
  ASSERT_TRUE(e.restore_active("gone", "dev-1"));
  EXPECT_TRUE(e.on_disconnected("dev-1", t0).empty());  // the server telling what it found at start
  EXPECT_TRUE(e.tick(t0 + 20 * minute).empty());
  auto cleared = e.on_connected("dev-1", t0 + 21 * minute);
  ASSERT_EQ(cleared.size(), 1u);
  EXPECT_EQ(cleared[0].kind, transition_kind::cleared);
}

TEST(heartbeat_rule, raises_after_more_than_three_intervals_and_clears_on_the_next_heartbeat) {
  engine e = with_rules({make_rule("silent", "heartbeat missing 3x", 60)});
  e.on_connected("dev-1", t0);
  for (int i = 1; i <= 5; ++i) {
    EXPECT_TRUE(e.on_heartbeat("dev-1", t0 + i * minute).empty());
    EXPECT_TRUE(e.tick(t0 + i * minute + 30 * second).empty());
  }
  std::int64_t last = t0 + 5 * minute;
  EXPECT_TRUE(e.tick(last + 180 * second).empty());  // exactly 3 intervals is not "more than"
  auto raised = e.tick(last + 181 * second);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].rule_id, "silent");
  EXPECT_EQ(raised[0].at_ms, last + 180 * second + 1);
  EXPECT_EQ(raised[0].summary, "no heartbeat for 3m (3 x 1m)");
  EXPECT_TRUE(e.tick(last + 60 * minute).empty());

  auto cleared = e.on_heartbeat("dev-1", last + 61 * minute);
  ASSERT_EQ(cleared.size(), 1u);
  EXPECT_EQ(cleared[0].kind, transition_kind::cleared);
  EXPECT_EQ(cleared[0].summary, "heartbeat received");
  EXPECT_EQ(e.tracked_pairs(), 0u);
  EXPECT_TRUE(e.tick(last + 61 * minute + 180 * second).empty());
  EXPECT_EQ(e.tick(last + 61 * minute + 181 * second).size(), 1u);
}

TEST(heartbeat_rule, the_connect_counts_as_the_first_heartbeat) {
  engine e = with_rules({make_rule("silent", "heartbeat missing 3x", 60)});
  e.on_connected("dev-1", t0);
  auto raised = e.tick(t0 + 181 * second);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].at_ms, t0 + 180 * second + 1);
}

TEST(heartbeat_rule, is_not_watched_while_disconnected_and_a_disconnect_clears_it) {
  engine e = with_rules({make_rule("silent", "heartbeat missing 3x", 60)});
  e.on_connected("dev-1", t0);
  EXPECT_EQ(e.tick(t0 + 4 * minute).size(), 1u);
  auto cleared = e.on_disconnected("dev-1", t0 + 5 * minute);
  ASSERT_EQ(cleared.size(), 1u);
  EXPECT_EQ(cleared[0].summary, "disconnected");
  EXPECT_TRUE(e.tick(t0 + 60 * minute).empty());
  EXPECT_EQ(e.tracked_pairs(), 0u);
}

TEST(heartbeat_rule, each_rule_uses_its_own_interval_and_count) {
  engine e = with_rules({make_rule("long", "heartbeat missing 3x", 60), make_rule("short", "heartbeat missing 2x", 30),
                         make_rule("mid", "heartbeat missing 2x", 60)});
  e.on_connected("dev-1", t0);
  std::vector<std::string> order;
  for (std::int64_t now = t0; now <= t0 + 5 * minute; now += second)
    for (const auto& t : e.tick(now)) {
      order.push_back(t.rule_id);
      EXPECT_EQ(t.at_ms, now - second + 1) << t.rule_id;  // reported by the first tick past the deadline
    }
  EXPECT_EQ(order, (std::vector<std::string>{"short", "mid", "long"}));
  EXPECT_EQ(e.on_heartbeat("dev-1", t0 + 6 * minute).size(), 3u);
}

TEST(heartbeat_rule, a_heartbeat_from_an_unknown_device_counts_as_its_connect) {
  // After a restart: the alert is restored, then the device's heartbeat arrives before any connect.
  engine e = with_rules({make_rule("silent", "heartbeat missing 3x", 60), make_rule("gone", "offline for 10m")});
  ASSERT_TRUE(e.restore_active("silent", "dev-1"));
  auto cleared = e.on_heartbeat("dev-1", t0);
  ASSERT_EQ(cleared.size(), 1u);
  EXPECT_EQ(cleared[0].rule_id, "silent");
  EXPECT_EQ(e.tick(t0 + 181 * second).size(), 1u);
}

TEST(heartbeat_rule, a_changed_interval_drops_the_alert_and_watches_with_the_new_one) {
  engine e = with_rules({make_rule("silent", "heartbeat missing 3x", 60)});
  e.on_connected("dev-1", t0);
  EXPECT_EQ(e.tick(t0 + 181 * second).size(), 1u);
  e.set_rules({make_rule("silent", "heartbeat missing 3x", 120)});
  EXPECT_FALSE(e.is_raised("silent", "dev-1"));
  EXPECT_TRUE(e.tick(t0 + 360 * second).empty());
  auto raised = e.tick(t0 + 361 * second);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].at_ms, t0 + 360 * second + 1);
}

TEST(heartbeat_rule, an_unchanged_rule_keeps_its_alert_across_set_rules) {
  engine e = with_rules({make_rule("silent", "heartbeat missing 3x", 60)});
  e.on_connected("dev-1", t0);
  EXPECT_EQ(e.tick(t0 + 181 * second).size(), 1u);
  e.set_rules({make_rule("silent", "heartbeat missing 3x", 60), make_rule("gone", "offline for 10m")});
  EXPECT_TRUE(e.is_raised("silent", "dev-1"));
  EXPECT_TRUE(e.tick(t0 + 10 * minute).empty());
}

}  // namespace
}  // namespace mothership::rules
