#include "mqtt/broker/topic_tree.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace mothership::mqtt;

namespace {

std::vector<subscriber_id> who_matches(topic_tree& tree, std::string_view topic) {
  std::vector<subscriber_id> ids;
  for (const auto& m : tree.match(topic)) ids.push_back(m.who);
  std::sort(ids.begin(), ids.end());
  return ids;
}

subscription_options qos(std::uint8_t q) {
  return {q, false, false, std::nullopt};
}

}  // namespace

// The wildcard table of MQTT 5.0 §4.7.1 (and 3.1.1 §4.7.1), one filter per subscriber.
TEST(topic_tree, wildcard_matching_table_MQTT_4_7_1) {
  struct row {
    const char* filter;
    const char* topic;
    bool matches;
  };
  const row table[] = {
      {"sport/tennis/player1/#", "sport/tennis/player1", true},
      {"sport/tennis/player1/#", "sport/tennis/player1/ranking", true},
      {"sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true},
      {"sport/#", "sport", true},
      {"#", "sport/tennis", true},
      {"sport/tennis/+", "sport/tennis/player1", true},
      {"sport/tennis/+", "sport/tennis/player1/ranking", false},
      {"sport/tennis/+", "sport/tennis", false},
      {"sport/+", "sport", false},
      {"sport/+", "sport/", true},
      {"+/+", "/finance", true},
      {"/+", "/finance", true},
      {"+", "/finance", false},
      {"+/tennis/#", "sport/tennis", true},
      {"sport/tennis", "sport/Tennis", false},  // case-sensitive
      {"a//b", "a//b", true},
      {"a/+/b", "a//b", true},
  };
  for (const auto& r : table) {
    topic_tree tree;
    tree.subscribe(r.filter, 1, qos(0));
    EXPECT_EQ(!tree.match(r.topic).empty(), r.matches) << r.filter << " vs " << r.topic;
  }
}

TEST(topic_tree, wildcards_at_the_first_level_skip_dollar_topics_MQTT_4_7_2_1) {
  topic_tree tree;
  tree.subscribe("#", 1, qos(0));
  tree.subscribe("+/monitor/Clients", 2, qos(0));
  tree.subscribe("$SYS/#", 3, qos(0));
  tree.subscribe("$SYS/monitor/+", 4, qos(0));
  EXPECT_EQ(who_matches(tree, "$SYS/monitor/Clients"), (std::vector<subscriber_id>{3, 4}));
  EXPECT_EQ(who_matches(tree, "x/monitor/Clients"), (std::vector<subscriber_id>{1, 2}));
}

TEST(topic_tree, overlapping_subscriptions_deliver_once_at_the_highest_qos_MQTT_3_3_4_2) {
  topic_tree tree;
  tree.subscribe("a/#", 7, {0, false, false, 11});
  tree.subscribe("a/+", 7, {2, false, false, 12});
  tree.subscribe("a/b", 8, qos(1));
  auto matches = tree.match("a/b");
  ASSERT_EQ(matches.size(), 2u);
  auto seven = std::find_if(matches.begin(), matches.end(), [](auto& m) { return m.who == 7; });
  EXPECT_EQ(seven->max_qos, 2);
  std::sort(seven->identifiers.begin(), seven->identifiers.end());
  EXPECT_EQ(seven->identifiers, (std::vector<std::uint32_t>{11, 12}));
}

TEST(topic_tree, resubscribing_replaces_options_MQTT_3_8_4_3) {
  topic_tree tree;
  EXPECT_TRUE(tree.subscribe("a", 1, qos(0)));
  EXPECT_FALSE(tree.subscribe("a", 1, qos(2)));
  EXPECT_EQ(tree.size(), 1u);
  EXPECT_EQ(tree.match("a").front().max_qos, 2);
}

TEST(topic_tree, unsubscribe_removes_and_prunes) {
  topic_tree tree;
  tree.subscribe("a/b/c", 1, qos(0));
  tree.subscribe("a/+", 2, qos(0));
  EXPECT_TRUE(tree.unsubscribe("a/b/c", 1));
  EXPECT_FALSE(tree.unsubscribe("a/b/c", 1));
  EXPECT_FALSE(tree.unsubscribe("x/y", 1));
  EXPECT_TRUE(tree.match("a/b/c").empty());
  EXPECT_EQ(who_matches(tree, "a/b"), (std::vector<subscriber_id>{2}));
  EXPECT_EQ(tree.size(), 1u);
}

TEST(topic_tree, shared_group_members_take_turns_and_groups_are_independent) {
  topic_tree tree;
  for (subscriber_id id : {1, 2, 3}) tree.subscribe("jobs/+", id, qos(1), "workers");
  tree.subscribe("jobs/+", 9, qos(1), "auditors");
  tree.subscribe("jobs/+", 5, qos(1));  // an ordinary subscriber sees every message
  std::map<subscriber_id, int> seen;
  for (int i = 0; i < 9; ++i)
    for (const auto& m : tree.match("jobs/x")) ++seen[m.who];
  EXPECT_EQ(seen[1], 3);
  EXPECT_EQ(seen[2], 3);
  EXPECT_EQ(seen[3], 3);
  EXPECT_EQ(seen[9], 9);
  EXPECT_EQ(seen[5], 9);
  EXPECT_TRUE(tree.unsubscribe("jobs/+", 2, "workers"));
  EXPECT_FALSE(tree.unsubscribe("jobs/+", 2, "workers"));
}

TEST(topic_tree, many_subscribers_one_topic) {
  topic_tree tree;
  for (subscriber_id id = 0; id < 1000; ++id) tree.subscribe("fan/out", id, qos(0));
  EXPECT_EQ(tree.match("fan/out").size(), 1000u);
  EXPECT_TRUE(tree.match("fan/in").empty());
}
