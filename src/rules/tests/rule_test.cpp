#include "rules/rule.hpp"

#include <gtest/gtest.h>

namespace mothership::rules {
namespace {

TEST(rule, severities_read_back_what_they_write) {
  for (severity s : {severity::info, severity::warning, severity::critical}) EXPECT_EQ(parse_severity(to_string(s)), s);
  EXPECT_EQ(to_string(severity::critical), "critical");
  EXPECT_EQ(parse_severity("Critical"), std::nullopt);
  EXPECT_EQ(parse_severity(""), std::nullopt);
}

TEST(rule, defaults_to_an_enabled_warning_with_a_one_minute_heartbeat) {
  rule r;
  EXPECT_TRUE(r.enabled);
  EXPECT_EQ(r.severity, severity::warning);
  EXPECT_EQ(r.heartbeat_interval_s, 60);
}

}  // namespace
}  // namespace mothership::rules
