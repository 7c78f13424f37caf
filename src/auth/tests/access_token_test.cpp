#include "auth/access_token.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>

#include "common/encoding.hpp"

using namespace mothership;
using namespace mothership::auth;

namespace {

constexpr std::int64_t now = 1800000000;

std::string part(const boost::json::object& o) {
  return common::base64url_encode(boost::json::serialize(o));
}

std::vector<std::string> split(const std::string& token) {
  std::vector<std::string> out;
  std::size_t start = 0, dot;
  while ((dot = token.find('.', start)) != std::string::npos) {
    out.push_back(token.substr(start, dot - start));
    start = dot + 1;
  }
  out.push_back(token.substr(start));
  return out;
}

}  // namespace

TEST(access_token, issued_token_verifies_with_all_claims) {
  access_token_codec codec(signing_key::generate(), "ms", "api", 900);
  auto token = codec.issue("usr_1", "admin", 0, now);
  auto claims = codec.verify(token, now + 10);
  ASSERT_TRUE(claims) << claims.error().message();
  EXPECT_EQ(claims->sub, "usr_1");
  EXPECT_EQ(claims->role, "admin");
  EXPECT_EQ(claims->exp, now + 900);
  EXPECT_FALSE(claims->jti.empty());
  auto header = boost::json::parse(*common::base64url_decode(split(token)[0])).as_object();
  EXPECT_EQ(header["kid"].as_string(), codec.key().kid());
  EXPECT_EQ(header["alg"].as_string(), "ES256");
}

TEST(access_token, expired_token_is_refused_even_from_the_cache) {
  access_token_codec codec(signing_key::generate(), "ms", "api", 900);
  auto token = codec.issue("usr_1", "admin", 0, now);
  ASSERT_TRUE(codec.verify(token, now));
  EXPECT_EQ(codec.verify(token, now + 900).error(), make_error_code(errc::token_expired));
}

TEST(access_token, another_keys_token_is_refused) {
  access_token_codec ours(signing_key::generate(), "ms", "api", 900);
  access_token_codec theirs(signing_key::generate(), "ms", "api", 900);
  EXPECT_EQ(ours.verify(theirs.issue("usr_1", "admin", 0, now), now).error(), make_error_code(errc::token_unknown_key));
}

TEST(access_token, forged_kid_with_foreign_signature_is_refused) {
  access_token_codec ours(signing_key::generate(), "ms", "api", 900);
  access_token_codec theirs(signing_key::generate(), "ms", "api", 900);
  auto forged = split(theirs.issue("usr_1", "admin", 0, now));
  boost::json::object header{{"alg", "ES256"}, {"typ", "JWT"}, {"kid", ours.key().kid()}};
  std::string input = part(header) + "." + forged[1];
  std::string token = input + "." + common::base64url_encode(theirs.key().sign(input));
  EXPECT_EQ(ours.verify(token, now).error(), make_error_code(errc::token_bad_signature));
}

TEST(access_token, alg_none_and_hs256_are_refused) {
  access_token_codec codec(signing_key::generate(), "ms", "api", 900);
  auto parts = split(codec.issue("usr_1", "admin", 0, now));
  for (const char* alg : {"none", "HS256", "ES384"}) {
    boost::json::object header{{"alg", alg}, {"kid", codec.key().kid()}};
    EXPECT_EQ(codec.verify(part(header) + "." + parts[1] + ".", now).error(),
              make_error_code(errc::token_unsupported_alg))
        << alg;
  }
}

TEST(access_token, edited_claims_break_the_signature) {
  access_token_codec codec(signing_key::generate(), "ms", "api", 900);
  auto parts = split(codec.issue("usr_1", "viewer", 0, now));
  auto claims = boost::json::parse(*common::base64url_decode(parts[1])).as_object();
  claims["role"] = "admin";
  EXPECT_EQ(codec.verify(parts[0] + "." + part(claims) + "." + parts[2], now).error(),
            make_error_code(errc::token_bad_signature));
}

TEST(access_token, wrong_audience_or_issuer_is_refused) {
  auto key = signing_key::generate();
  access_token_codec ours(key, "ms", "api", 900);
  EXPECT_EQ(ours.verify(access_token_codec(key, "ms", "other", 900).issue("u", "admin", 0, now), now).error(),
            make_error_code(errc::token_wrong_audience));
  EXPECT_EQ(ours.verify(access_token_codec(key, "evil", "api", 900).issue("u", "admin", 0, now), now).error(),
            make_error_code(errc::token_wrong_issuer));
}

// A token signed with the real key but claims our issuer never writes: a ten-year lifetime, or
// an issue time in the future (the review's finding).
TEST(access_token, signed_token_with_a_long_life_or_a_future_iat_is_refused) {
  auto key = signing_key::generate();
  access_token_codec ours(key, "ms", "api", 900);
  access_token_codec ten_years(key, "ms", "api", 10 * 365 * 24 * 3600);
  EXPECT_EQ(ours.verify(ten_years.issue("u", "admin", 0, now), now).error(),
            make_error_code(errc::token_lifetime_too_long));
  EXPECT_EQ(ours.verify(ours.issue("u", "admin", 0, now + 3600), now).error(),
            make_error_code(errc::token_not_yet_valid));
  // Clocks drift: a minute ahead is accepted.
  EXPECT_TRUE(ours.verify(ours.issue("u", "admin", 0, now + 30), now));
}

TEST(access_token, generation_travels_in_the_token) {
  access_token_codec codec(signing_key::generate(), "ms", "api", 900);
  auto claims = codec.verify(codec.issue("u", "admin", 7, now), now);
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->generation, 7);
}

TEST(access_token, garbage_and_huge_tokens_are_malformed) {
  access_token_codec codec(signing_key::generate(), "ms", "api", 900);
  for (const std::string& bad : std::vector<std::string>{"", "a.b", "a.b.c.d", "!!.??.**", std::string(10 << 20, 'a')})
    EXPECT_FALSE(codec.verify(bad, now)) << bad.substr(0, 20);
}

TEST(signing_key, persists_with_private_permissions) {
  auto dir = std::filesystem::temp_directory_path() / ("ms_key_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::string path = (dir / "keys" / "signing.pem").string();
  auto first = signing_key::load_or_create(path);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto again = signing_key::load_or_create(path);
  EXPECT_EQ(first.kid(), again.kid());
  EXPECT_TRUE(again.verify("data", first.sign("data")));
  std::filesystem::remove_all(dir);
}
