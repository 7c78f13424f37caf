// Telemetry rules, set_rules, restore_active and scope, on a fake clock (plain numbers).
#include "rules/engine.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "rules/parse_condition.hpp"

namespace mothership::rules {
namespace {

constexpr std::int64_t t0 = 1'700'000'000'000;
constexpr std::int64_t minute = 60'000;

rule make_rule(std::string id, std::string_view text) {
  auto parsed = parse_condition(text);
  EXPECT_TRUE(std::holds_alternative<condition>(parsed)) << text;
  rule r;
  r.id = std::move(id);
  r.name = std::string(text);
  r.when = std::holds_alternative<condition>(parsed) ? std::get<condition>(parsed) : condition{};
  return r;
}

engine with_rules(std::vector<rule> rules) {
  engine e;
  e.set_rules(std::move(rules));
  return e;
}

TEST(engine, a_for_rule_raises_only_after_the_condition_held_that_long) {
  engine e = with_rules({make_rule("hot", "temperature > 80 for 5m")});
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(e.on_sample("dev-1", "temperature", i == 4 ? 85.3 : 81.0 + i, t0 + i * minute).empty());
    EXPECT_TRUE(e.tick(t0 + i * minute).empty());
  }
  EXPECT_TRUE(e.tick(t0 + 5 * minute - 1).empty());
  auto raised = e.tick(t0 + 5 * minute);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].kind, transition_kind::raised);
  EXPECT_EQ(raised[0].rule_id, "hot");
  EXPECT_EQ(raised[0].device_id, "dev-1");
  EXPECT_EQ(raised[0].at_ms, t0 + 5 * minute);
  EXPECT_EQ(raised[0].value, value(85.3));
  EXPECT_EQ(raised[0].summary, "temperature 85.3 > 80 for 5m");
  EXPECT_TRUE(e.is_raised("hot", "dev-1"));

  // Never twice without a clear in between.
  EXPECT_TRUE(e.on_sample("dev-1", "temperature", 90.0, t0 + 6 * minute).empty());
  EXPECT_TRUE(e.tick(t0 + 20 * minute).empty());

  auto cleared = e.on_sample("dev-1", "temperature", 79.0, t0 + 21 * minute);
  ASSERT_EQ(cleared.size(), 1u);
  EXPECT_EQ(cleared[0].kind, transition_kind::cleared);
  EXPECT_EQ(cleared[0].at_ms, t0 + 21 * minute);
  EXPECT_EQ(cleared[0].value, value(79.0));
  EXPECT_EQ(cleared[0].summary, "temperature 79, no longer > 80");
  EXPECT_EQ(e.tracked_pairs(), 0u);

  // True again: a new five minutes from this sample.
  EXPECT_TRUE(e.on_sample("dev-1", "temperature", 81.0, t0 + 22 * minute).empty());
  EXPECT_TRUE(e.tick(t0 + 27 * minute - 1).empty());
  EXPECT_EQ(e.tick(t0 + 27 * minute).size(), 1u);
}

TEST(engine, a_false_sample_in_between_starts_the_duration_again) {
  engine e = with_rules({make_rule("hot", "temperature > 80 for 5m")});
  e.on_sample("dev-1", "temperature", 85.0, t0);
  e.on_sample("dev-1", "temperature", 80.0, t0 + 3 * minute);  // not > 80
  EXPECT_EQ(e.tracked_pairs(), 0u);
  e.on_sample("dev-1", "temperature", 85.0, t0 + 4 * minute);
  EXPECT_TRUE(e.tick(t0 + 5 * minute).empty());
  EXPECT_TRUE(e.tick(t0 + 9 * minute - 1).empty());
  auto raised = e.tick(t0 + 9 * minute);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].at_ms, t0 + 9 * minute);
}

TEST(engine, a_pending_pair_that_clears_says_nothing) {
  engine e = with_rules({make_rule("hot", "temperature > 80 for 5m")});
  e.on_sample("dev-1", "temperature", 85.0, t0);
  EXPECT_TRUE(e.on_sample("dev-1", "temperature", 70.0, t0 + minute).empty());
  EXPECT_TRUE(e.tick(t0 + 10 * minute).empty());
}

TEST(engine, an_event_after_the_due_moment_raises_before_it_clears) {
  // The outcome does not depend on whether tick ran in between.
  engine e = with_rules({make_rule("hot", "temperature > 80 for 5m")});
  e.on_sample("dev-1", "temperature", 85.0, t0);
  auto out = e.on_sample("dev-1", "temperature", 70.0, t0 + 6 * minute);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].kind, transition_kind::raised);
  EXPECT_EQ(out[0].at_ms, t0 + 5 * minute);
  EXPECT_EQ(out[0].value, value(85.0));
  EXPECT_EQ(out[1].kind, transition_kind::cleared);
  EXPECT_EQ(out[1].at_ms, t0 + 6 * minute);
}

TEST(engine, a_rule_without_duration_raises_on_the_first_true_sample) {
  engine e = with_rules({make_rule("hot", "temperature > 80")});
  EXPECT_TRUE(e.on_sample("dev-1", "temperature", 80.0, t0).empty());
  auto raised = e.on_sample("dev-1", "temperature", 81.5, t0 + 1000);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].at_ms, t0 + 1000);
  EXPECT_EQ(raised[0].summary, "temperature 81.5 > 80");
  EXPECT_TRUE(e.on_sample("dev-1", "temperature", 95.0, t0 + 2000).empty());
  EXPECT_TRUE(e.tick(t0 + 3000).empty());
  auto cleared = e.on_sample("dev-1", "temperature", 20.0, t0 + 4000);
  ASSERT_EQ(cleared.size(), 1u);
  EXPECT_EQ(cleared[0].kind, transition_kind::cleared);
}

TEST(engine, samples_of_other_keys_types_or_nan_change_nothing) {
  engine e = with_rules({make_rule("hot", "temperature > 80 for 5m")});
  e.on_sample("dev-1", "temperature", 85.0, t0);
  EXPECT_TRUE(e.on_sample("dev-1", "humidity", 10.0, t0 + minute).empty());
  EXPECT_TRUE(e.on_sample("dev-1", "temperature", std::string("n/a"), t0 + 2 * minute).empty());
  EXPECT_TRUE(e.on_sample("dev-1", "temperature", std::nan(""), t0 + 3 * minute).empty());
  EXPECT_TRUE(e.on_sample("dev-1", "temperature", false, t0 + 4 * minute).empty());
  EXPECT_EQ(e.tick(t0 + 5 * minute).size(), 1u);
}

TEST(engine, booleans_compare_for_equality) {
  engine e = with_rules({make_rule("door", "door_open == true")});
  EXPECT_TRUE(e.on_sample("dev-1", "door_open", false, t0).empty());
  auto raised = e.on_sample("dev-1", "door_open", true, t0 + 1);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].summary, "door_open true == true");
  EXPECT_EQ(raised[0].value, value(true));
  EXPECT_TRUE(e.on_sample("dev-1", "door_open", true, t0 + 2).empty());
  auto cleared = e.on_sample("dev-1", "door_open", false, t0 + 3);
  ASSERT_EQ(cleared.size(), 1u);
  EXPECT_EQ(cleared[0].summary, "door_open false, no longer == true");
}

TEST(engine, texts_compare_for_equality) {
  engine e = with_rules({make_rule("mode", R"(mode != "eco" for 30s)")});
  EXPECT_TRUE(e.on_sample("dev-1", "mode", std::string("eco"), t0).empty());
  e.on_sample("dev-1", "mode", std::string("boost"), t0 + 1000);
  auto raised = e.tick(t0 + 31'000);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].summary, R"(mode "boost" != "eco" for 30s)");
  auto cleared = e.on_sample("dev-1", "mode", std::string("eco"), t0 + 40'000);
  ASSERT_EQ(cleared.size(), 1u);
  EXPECT_EQ(cleared[0].value, value(std::string("eco")));
}

TEST(engine, devices_and_rules_are_tracked_separately) {
  engine e = with_rules({make_rule("warm", "temperature > 60"), make_rule("hot", "temperature > 80")});
  auto both = e.on_sample("dev-1", "temperature", 85.0, t0);
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].rule_id, "warm");
  EXPECT_EQ(both[1].rule_id, "hot");
  auto one = e.on_sample("dev-2", "temperature", 70.0, t0);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].device_id, "dev-2");
  auto hot_clears = e.on_sample("dev-1", "temperature", 70.0, t0 + 1);
  ASSERT_EQ(hot_clears.size(), 1u);
  EXPECT_EQ(hot_clears[0].rule_id, "hot");
  EXPECT_EQ(e.tracked_pairs(), 2u);
}

TEST(engine, set_rules_drops_the_state_of_removed_changed_or_disabled_rules) {
  engine e = with_rules({make_rule("slow", "temperature > 80 for 5m"), make_rule("now", "temperature > 80"),
                         make_rule("off", "temperature > 80")});
  EXPECT_EQ(e.on_sample("dev-1", "temperature", 90.0, t0).size(), 2u);
  EXPECT_EQ(e.tracked_pairs(), 3u);

  rule disabled = make_rule("off", "temperature > 80");
  disabled.enabled = false;
  rule renamed = make_rule("now", "temperature > 80");
  renamed.name = "Overheating";
  renamed.severity = severity::critical;
  e.set_rules({make_rule("slow", "temperature > 85 for 5m"), renamed, disabled});
  EXPECT_EQ(e.tracked_pairs(), 1u);
  EXPECT_TRUE(e.is_raised("now", "dev-1"));  // a new name or severity keeps the alert
  EXPECT_FALSE(e.is_raised("off", "dev-1"));
  EXPECT_TRUE(e.tick(t0 + 10 * minute).empty());  // the old pending "slow" is gone

  e.set_rules({});
  EXPECT_EQ(e.tracked_pairs(), 0u);
  EXPECT_TRUE(e.on_sample("dev-1", "temperature", 20.0, t0 + 11 * minute).empty());
}

TEST(engine, a_restored_alert_is_not_raised_again_and_clears) {
  engine e = with_rules({make_rule("hot", "temperature > 80")});
  EXPECT_TRUE(e.restore_active("hot", "dev-1"));
  EXPECT_FALSE(e.restore_active("gone", "dev-1"));
  EXPECT_TRUE(e.is_raised("hot", "dev-1"));
  EXPECT_TRUE(e.on_sample("dev-1", "temperature", 90.0, t0).empty());
  auto cleared = e.on_sample("dev-1", "temperature", 70.0, t0 + 1000);
  ASSERT_EQ(cleared.size(), 1u);
  EXPECT_EQ(cleared[0].kind, transition_kind::cleared);
  EXPECT_EQ(cleared[0].rule_id, "hot");
  EXPECT_EQ(cleared[0].device_id, "dev-1");
}

TEST(engine, restoring_a_pending_pair_makes_it_raised) {
  engine e = with_rules({make_rule("hot", "temperature > 80 for 5m")});
  e.on_sample("dev-1", "temperature", 90.0, t0);
  e.restore_active("hot", "dev-1");
  EXPECT_TRUE(e.tick(t0 + 10 * minute).empty());
  EXPECT_EQ(e.on_sample("dev-1", "temperature", 70.0, t0 + 11 * minute).size(), 1u);
}

TEST(engine, the_scope_predicate_chooses_the_devices) {
  std::set<std::string> in_scope{"dev-1"};
  engine e([&](const std::string& rule_id, const std::string& device_id) {
    return rule_id == "hot" && in_scope.contains(device_id);
  });
  e.set_rules({make_rule("hot", "temperature > 80")});
  EXPECT_TRUE(e.on_sample("dev-2", "temperature", 90.0, t0).empty());
  EXPECT_EQ(e.on_sample("dev-1", "temperature", 90.0, t0).size(), 1u);
  EXPECT_EQ(e.tracked_pairs(), 1u);

  in_scope.clear();  // dev-1 left the group: its open alert closes on its next sample
  auto out = e.on_sample("dev-1", "temperature", 95.0, t0 + 1000);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, transition_kind::cleared);
  EXPECT_EQ(out[0].summary, "no longer in the rule's scope");
  EXPECT_EQ(e.tracked_pairs(), 0u);
}

TEST(engine, a_pending_pair_whose_device_left_the_scope_is_not_raised) {
  bool in_scope = true;
  engine e([&](const std::string&, const std::string&) { return in_scope; });
  e.set_rules({make_rule("hot", "temperature > 80 for 5m"), make_rule("gone", "offline for 10m")});
  e.on_sample("dev-1", "temperature", 90.0, t0);
  e.on_disconnected("dev-1", t0);
  EXPECT_EQ(e.tracked_pairs(), 2u);
  in_scope = false;
  EXPECT_TRUE(e.tick(t0 + 10 * minute).empty());
  EXPECT_EQ(e.tracked_pairs(), 0u);
}

TEST(engine, memory_holds_only_pending_and_raised_pairs) {
  std::vector<rule> rules;
  for (int i = 0; i < 20; ++i) rules.push_back(make_rule("r" + std::to_string(i), "temperature > 80 for 1m"));
  engine e = with_rules(std::move(rules));
  for (int d = 0; d < 1000; ++d) e.on_sample("dev-" + std::to_string(d), "temperature", 20.0, t0);
  EXPECT_EQ(e.tracked_pairs(), 0u);
  e.on_sample("dev-7", "temperature", 90.0, t0);
  EXPECT_EQ(e.tracked_pairs(), 20u);
  e.forget_device("dev-7");
  EXPECT_EQ(e.tracked_pairs(), 0u);
  EXPECT_TRUE(e.tick(t0 + 2 * minute).empty());
}

}  // namespace
}  // namespace mothership::rules
