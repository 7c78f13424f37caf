#include <gtest/gtest.h>

#include "session.hpp"

namespace mothership::agent {
namespace {

using namespace std::chrono;

TEST(Renewal, DueWhenLessThanTheFractionIsLeft) {
  auto from = system_clock::time_point{} + hours(24 * 1000);
  auto to = from + hours(24 * 300);
  EXPECT_FALSE(renewal_due(from, to, from + hours(24 * 199), 1.0 / 3.0));
  EXPECT_TRUE(renewal_due(from, to, from + hours(24 * 201), 1.0 / 3.0));
  EXPECT_TRUE(renewal_due(from, to, to + hours(1), 1.0 / 3.0));  // expired
  EXPECT_TRUE(renewal_due(from, to, from + seconds(1), 1.0));    // forced
  EXPECT_FALSE(renewal_due(from, to, from + seconds(1), 0.5));
}

}  // namespace
}  // namespace mothership::agent
