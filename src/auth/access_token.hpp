#pragma once
// Access tokens: compact ES256 JWTs (RFC 7519) with sub, role, iat, exp, jti, iss, aud, gen
// (the user's token generation, see user.hpp) and a `kid` header. Verification accepts only
// ES256 with our kid; `alg: none`, HS256 and foreign keys are refused before any signature
// work. A token signed with our key is still refused when it claims to live longer than the
// configured lifetime (`exp - iat`) or to be issued in the future beyond a small clock skew:
// our own issuer never writes such tokens, so one that has them was not issued as configured.
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/errors.hpp"
#include "auth/signing_key.hpp"

namespace mothership::auth {

struct access_claims {
  std::string sub;
  std::string role;
  std::int64_t iat = 0;
  std::int64_t exp = 0;
  std::string jti;
  std::int64_t generation = 0;  // "gen"; tokens from before generations existed count as 0
};

class access_token_codec {
 public:
  access_token_codec(signing_key key, std::string issuer, std::string audience, int ttl_s);

  std::string issue(const std::string& sub, std::string_view role, std::int64_t generation, std::int64_t now_s) const;
  // Verifies signature, header, issuer, audience, lifetime and expiry at `now_s`.
  result<access_claims> verify(std::string_view token, std::int64_t now_s) const;

  int ttl_s() const { return ttl_s_; }
  const signing_key& key() const { return key_; }

  static constexpr std::size_t max_token_length = 4096;
  static constexpr std::int64_t clock_skew_s = 60;  // how far in the future an `iat` may be

 private:
  result<access_claims> verify_uncached(std::string_view token, std::int64_t now_s) const;

  signing_key key_;
  std::string issuer_, audience_;
  int ttl_s_;
  std::string header_b64_;

  // Tokens whose signature already verified: the same bytes verify the same way, so each
  // token pays for one ECDSA verification, not one per request. Bounded; cleared when full.
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, access_claims> verified_;
  static constexpr std::size_t cache_limit = 50000;
};

}  // namespace mothership::auth
