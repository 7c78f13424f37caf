#include "telemetry/aggregate.hpp"

#include <gtest/gtest.h>

using namespace mothership::telemetry;

TEST(aggregate, a_summary_answers_each_aggregation) {
  summary s;
  s.add(3, 100);
  s.add(1, 300);
  s.add(8, 200);
  EXPECT_EQ(s.value(aggregation::count), 3);
  EXPECT_EQ(s.value(aggregation::sum), 12);
  EXPECT_EQ(s.value(aggregation::avg), 4);
  EXPECT_EQ(s.value(aggregation::min), 1);
  EXPECT_EQ(s.value(aggregation::max), 8);
  EXPECT_EQ(s.value(aggregation::last), 1);  // the latest time, not the last added
}

TEST(aggregate, merging_rollups_equals_summarising_all_values) {
  summary a, b, all;
  for (int i = 0; i < 60; ++i) {
    double v = (i * 37) % 11 - 5.5;
    (i < 25 ? a : b).add(v, 1000 + i);
    all.add(v, 1000 + i);
  }
  summary merged = b;  // the order of merging does not matter
  merged.merge(a);
  for (auto agg :
       {aggregation::avg, aggregation::min, aggregation::max, aggregation::sum, aggregation::count, aggregation::last})
    EXPECT_DOUBLE_EQ(merged.value(agg), all.value(agg)) << name(agg);
}

TEST(aggregate, an_empty_summary_merges_as_nothing) {
  summary a;
  summary b;
  b.add(-2, 5);
  a.merge(summary{});
  a.merge(b);
  EXPECT_EQ(a.value(aggregation::min), -2);
  EXPECT_EQ(a.value(aggregation::count), 1);
}

TEST(aggregate, names_parse_back) {
  for (auto agg :
       {aggregation::avg, aggregation::min, aggregation::max, aggregation::sum, aggregation::count, aggregation::last})
    EXPECT_EQ(parse_aggregation(name(agg)), agg);
  EXPECT_FALSE(parse_aggregation("median"));
}
