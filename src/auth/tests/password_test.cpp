#include "auth/password.hpp"

#include <gtest/gtest.h>

using namespace mothership::auth;

TEST(password, argon2id_hash_verifies_only_the_same_password) {
  std::string hash = hash_password("correct horse battery");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password(hash, "correct horse battery"));
  EXPECT_FALSE(verify_password(hash, "correct horse batterY"));
  EXPECT_NE(hash, hash_password("correct horse battery"));  // salted
}

TEST(password, garbage_hash_never_verifies) {
  EXPECT_FALSE(verify_password("", "x"));
  EXPECT_FALSE(verify_password("$argon2id$nonsense", "x"));
}
