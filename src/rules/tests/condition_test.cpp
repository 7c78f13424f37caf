#include "rules/condition.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace mothership::rules {
namespace {

telemetry_condition over(double limit) {
  return {"temperature", comparison::greater, limit, 0};
}

TEST(condition, numbers_compare_with_every_operator) {
  struct row {
    comparison op;
    double sample;
    bool holds;
  };
  for (auto [op, sample, holds] : std::initializer_list<row>{{comparison::greater, 80.5, true},
                                                             {comparison::greater, 80, false},
                                                             {comparison::greater_or_equal, 80, true},
                                                             {comparison::less, 79.9, true},
                                                             {comparison::less, 80, false},
                                                             {comparison::less_or_equal, 80, true},
                                                             {comparison::equal, 80, true},
                                                             {comparison::not_equal, 80, false}}) {
    telemetry_condition c{"t", op, 80.0, 0};
    EXPECT_EQ(evaluate(c, sample), holds) << to_string(op) << ' ' << sample;
  }
}

TEST(condition, a_sample_of_another_type_or_nan_says_nothing) {
  EXPECT_EQ(evaluate(over(80), std::string("hot")), std::nullopt);
  EXPECT_EQ(evaluate(over(80), true), std::nullopt);
  EXPECT_EQ(evaluate(over(80), std::nan("")), std::nullopt);
  telemetry_condition door{"door_open", comparison::equal, true, 0};
  EXPECT_EQ(evaluate(door, 1.0), std::nullopt);
  EXPECT_EQ(evaluate(door, true), true);
  EXPECT_EQ(evaluate(door, false), false);
  telemetry_condition mode{"mode", comparison::not_equal, std::string("eco"), 0};
  EXPECT_EQ(evaluate(mode, std::string("eco")), false);
  EXPECT_EQ(evaluate(mode, std::string("boost")), true);
  telemetry_condition ordered_text{"mode", comparison::greater, std::string("a"), 0};
  EXPECT_EQ(evaluate(ordered_text, std::string("b")), std::nullopt);
}

TEST(condition, durations_use_the_largest_unit_that_divides_them) {
  EXPECT_EQ(format_duration(30), "30s");
  EXPECT_EQ(format_duration(90), "90s");
  EXPECT_EQ(format_duration(300), "5m");
  EXPECT_EQ(format_duration(7200), "2h");
  EXPECT_EQ(format_duration(5400), "90m");
  EXPECT_EQ(format_duration(2 * 86400), "2d");
}

TEST(condition, values_print_as_the_language_writes_them) {
  EXPECT_EQ(format_value(85.3), "85.3");
  EXPECT_EQ(format_value(80.0), "80");
  EXPECT_EQ(format_value(-0.001), "-0.001");
  EXPECT_EQ(format_value(false), "false");
  EXPECT_EQ(format_value(std::string(R"(say "hi" \ bye)")), R"("say \"hi\" \\ bye")");
}

TEST(condition, describes_each_form) {
  EXPECT_EQ(describe(telemetry_condition{"battery.level", comparison::less_or_equal, 15.5, 600}),
            "battery.level <= 15.5 for 10m");
  EXPECT_EQ(describe(offline_condition{3600}), "offline for 1h");
  EXPECT_EQ(describe(heartbeat_condition{3}), "heartbeat missing 3x");
}

}  // namespace
}  // namespace mothership::rules
