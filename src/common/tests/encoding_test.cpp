#include "common/encoding.hpp"

#include <gtest/gtest.h>

using namespace mothership::common;

TEST(encoding, base64url_round_trip_without_padding) {
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_decode("-_8"), std::string("\xfb\xff"));
  for (std::size_t n = 0; n < 40; ++n) {
    std::string bytes = random_bytes(n);
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes);
  }
}

TEST(encoding, base64url_rejects_foreign_alphabet) {
  EXPECT_FALSE(base64url_decode("ab+/").has_value());
  EXPECT_FALSE(base64url_decode("a==").has_value());
  EXPECT_FALSE(base64url_decode("a b").has_value());
}

TEST(encoding, sha256_known_answer) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(encoding, constant_time_equal_compares_content_and_length) {
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("secret", "secret!"));
}
