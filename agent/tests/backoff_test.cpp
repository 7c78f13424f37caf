#include "backoff.hpp"

#include <gtest/gtest.h>

namespace mothership::agent {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, DoublesWithJitterUpToTheMaximum) {
  backoff b(milliseconds(1000), milliseconds(300000), 42);
  double ceiling = 1000;
  for (int i = 0; i < 20; ++i) {
    auto wait = b.next().count();
    EXPECT_GE(wait, ceiling * 0.5) << "attempt " << i;
    EXPECT_LE(wait, ceiling) << "attempt " << i;
    ceiling = std::min(ceiling * 2, 300000.0);
  }
}

TEST(Backoff, ResetStartsOverAtTheMinimum) {
  backoff b(milliseconds(1000), milliseconds(300000), 7);
  for (int i = 0; i < 10; ++i) b.next();
  b.reset();
  EXPECT_LE(b.next().count(), 1000);
}

TEST(Backoff, WaitsDifferFromOneAgentToAnother) {
  backoff a(milliseconds(1000), milliseconds(300000), 1);
  backoff b(milliseconds(1000), milliseconds(300000), 2);
  for (int i = 0; i < 5; ++i) a.next(), b.next();
  EXPECT_NE(a.next(), b.next());
}

}  // namespace
}  // namespace mothership::agent
