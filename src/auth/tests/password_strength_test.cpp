#include "auth/password_strength.hpp"

#include <gtest/gtest.h>

using namespace mothership::auth;

// The review's examples were accepted on length alone.
TEST(password_strength, trivial_and_dictionary_passwords_are_refused_with_a_reason) {
  for (const char* weak : {"aaaaaaaaaa", "1234567890", "password123", "qwertyuiop"}) {
    auto reason = password_weakness(weak, "alice");
    ASSERT_TRUE(reason) << weak;
    EXPECT_FALSE(reason->empty());
  }
}

TEST(password_strength, a_password_built_on_the_username_is_refused) {
  auto reason = password_weakness("alice12345678", "alice");
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("user name"), std::string::npos) << *reason;
}

TEST(password_strength, short_passwords_are_refused_by_length_first) {
  auto reason = password_weakness("kN3v-Q8x", "alice");
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("at least 10"), std::string::npos) << *reason;
}

TEST(password_strength, long_unguessable_passwords_pass) {
  for (const char* good : {"kN3v-Q8x_LpR2sTz", "correct-horse-battery", "onboarding-admin-pw"})
    EXPECT_EQ(password_weakness(good, "alice"), std::nullopt) << good;
}
