// Topic name and filter validity and matching; the examples are those of MQTT 5 §4.7.
#include "mqtt/codec/topic.hpp"

#include <string>

#include <gtest/gtest.h>

using namespace mothership::mqtt;

TEST(topic, valid_topic_names_MQTT_3_3_2_2_and_4_7_3_1) {
  for (const char* name :
       {"a", "/", "a/b", "/finance", "a//b", "a/", "$SYS/broker", "sport/tennis/player1", " ", "caf\xC3\xA9"}) {
    EXPECT_TRUE(valid_topic_name(name)) << name;
  }
  for (const char* name : {"", "+", "#", "a/+", "a/#", "a+b", "sport/tennis#", "\xED\xA0\x80"}) {
    EXPECT_FALSE(valid_topic_name(name)) << name;
  }
  EXPECT_FALSE(valid_topic_name(std::string("a\0b", 3)));  // [MQTT-4.7.3-2]
}

TEST(topic, valid_topic_filters_MQTT_4_7_1_1_and_2) {
  for (const char* filter :
       {"#", "+", "+/+", "/+", "sport/#", "sport/tennis/#", "sport/+/player1", "+/tennis/#", "a//b", "$SYS/#",
        "$share/g/a", "$share/g/#", "$share/g/+/x", "$shared/a", "$share", "a/$share/b/c"}) {
    EXPECT_TRUE(valid_topic_filter(filter)) << filter;
  }
  for (const char* filter :
       {"", "sport/tennis#", "sport/tennis/#/ranking", "#/", "##", "sport+", "sport/+tennis", "++", "a/b+/c", "$share/",
        "$share/g", "$share/g/", "$share//a", "$share/g+/a", "$share/g#/a", "$share/g/a/#/b", "\xC0\xAF"}) {
    EXPECT_FALSE(valid_topic_filter(filter)) << filter;
  }
}

// MQTT 5 §4.8.2 [MQTT-4.8.2-1, MQTT-4.8.2-2].
TEST(topic, shared_subscriptions) {
  const auto s = parse_shared_subscription("$share/consumer1/sport/tennis/+");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->group, "consumer1");
  EXPECT_EQ(s->filter, "sport/tennis/+");
  const auto slash = parse_shared_subscription("$share/g//finance");
  ASSERT_TRUE(slash);
  EXPECT_EQ(slash->filter, "/finance");
  EXPECT_FALSE(parse_shared_subscription("sport/#"));
  EXPECT_FALSE(parse_shared_subscription("$share"));
  EXPECT_FALSE(parse_shared_subscription("$share/consumer1"));
  EXPECT_FALSE(parse_shared_subscription("$share//a"));
  EXPECT_FALSE(parse_shared_subscription("$share/a+b/c"));
  EXPECT_FALSE(parse_shared_subscription("$share/g/a#"));
}

TEST(topic, matching_table) {
  struct row {
    const char* filter;
    const char* topic;
    bool matches;
  };
  const row rows[] = {
      // §4.7.1.2 multi-level wildcard
      {"sport/tennis/player1/#", "sport/tennis/player1", true},
      {"sport/tennis/player1/#", "sport/tennis/player1/ranking", true},
      {"sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true},
      {"sport/#", "sport", true},  // '#' includes the parent level
      {"#", "sport/tennis", true},
      {"#", "/", true},
      {"sport/tennis/#", "sport/tennisplayer1", false},
      // §4.7.1.3 single-level wildcard
      {"sport/tennis/+", "sport/tennis/player1", true},
      {"sport/tennis/+", "sport/tennis/player2", true},
      {"sport/tennis/+", "sport/tennis/player1/ranking", false},
      {"sport/+", "sport", false},
      {"sport/+", "sport/", true},  // an empty level is a level
      {"+/+", "/finance", true},
      {"/+", "/finance", true},
      {"+", "/finance", false},
      {"+/tennis/#", "sport/tennis", true},
      {"+/tennis/#", "sport/tennis/x/y", true},
      {"+", "a", true},
      {"+/+/+", "a/b", false},
      // exact levels, byte for byte [MQTT-4.7.3-4]
      {"a/b", "a/b", true},
      {"a/b", "A/b", false},
      {"a/b", "a/b/", false},
      {"a//b", "a//b", true},
      {"a/b", "a", false},
      {"caf\xC3\xA9", "cafe\xCC\x81", false},  // no Unicode normalisation
      // §4.7.2 topics beginning with '$' [MQTT-4.7.2-1]
      {"#", "$SYS/broker/clients", false},
      {"+/monitor/Clients", "$SYS/monitor/Clients", false},
      {"+", "$SYS", false},
      {"$SYS/#", "$SYS/monitor/Clients", true},
      {"$SYS/monitor/+", "$SYS/monitor/Clients", true},
      {"$provision/+/csr", "$provision/SN123/csr", true},
      {"a/#", "a/$b", true},  // only the first level is special
  };
  for (const auto& r : rows) {
    EXPECT_EQ(topic_matches(r.filter, r.topic), r.matches) << r.filter << " vs " << r.topic;
  }
}
