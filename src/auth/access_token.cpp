#include "auth/access_token.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/encoding.hpp"

namespace mothership::auth {

namespace json = boost::json;

access_token_codec::access_token_codec(signing_key key, std::string issuer, std::string audience, int ttl_s)
    : key_(std::move(key)), issuer_(std::move(issuer)), audience_(std::move(audience)), ttl_s_(ttl_s) {
  json::object header{{"alg", "ES256"}, {"typ", "JWT"}, {"kid", key_.kid()}};
  header_b64_ = common::base64url_encode(json::serialize(header));
}

std::string access_token_codec::issue(const std::string& sub, std::string_view role, std::int64_t generation,
                                      std::int64_t now_s) const {
  json::object claims{{"sub", sub},
                      {"role", role},
                      {"iat", now_s},
                      {"exp", now_s + ttl_s_},
                      {"jti", common::random_token(16)},
                      {"iss", issuer_},
                      {"aud", audience_},
                      {"gen", generation}};
  std::string signing_input = header_b64_ + "." + common::base64url_encode(json::serialize(claims));
  return signing_input + "." + common::base64url_encode(key_.sign(signing_input));
}

result<access_claims> access_token_codec::verify(std::string_view token, std::int64_t now_s) const {
  if (token.size() > max_token_length) return errc::token_malformed;
  {
    std::lock_guard lock(cache_mutex_);
    auto it = verified_.find(std::string(token));
    if (it != verified_.end()) {
      if (it->second.exp <= now_s) return errc::token_expired;
      return it->second;
    }
  }
  auto claims = verify_uncached(token, now_s);
  if (claims) {
    std::lock_guard lock(cache_mutex_);
    if (verified_.size() >= cache_limit) verified_.clear();
    verified_.emplace(std::string(token), *claims);
  }
  return claims;
}

result<access_claims> access_token_codec::verify_uncached(std::string_view token, std::int64_t now_s) const {
  auto dot1 = token.find('.');
  auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    return errc::token_malformed;
  auto header_text = common::base64url_decode(token.substr(0, dot1));
  auto payload_text = common::base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = common::base64url_decode(token.substr(dot2 + 1));
  if (!header_text || !payload_text || !signature) return errc::token_malformed;

  boost::system::error_code ec;
  json::value header = json::parse(*header_text, ec);
  if (ec || !header.is_object()) return errc::token_malformed;
  const json::value* alg = header.as_object().if_contains("alg");
  if (!alg || !alg->is_string() || alg->as_string() != "ES256") return errc::token_unsupported_alg;
  const json::value* kid = header.as_object().if_contains("kid");
  if (!kid || !kid->is_string() || kid->as_string() != key_.kid()) return errc::token_unknown_key;
  if (!key_.verify(token.substr(0, dot2), *signature)) return errc::token_bad_signature;

  json::value payload = json::parse(*payload_text, ec);
  if (ec || !payload.is_object()) return errc::token_malformed;
  const json::object& p = payload.as_object();
  auto text = [&](const char* name) -> const json::string* {
    const json::value* v = p.if_contains(name);
    return v && v->is_string() ? &v->as_string() : nullptr;
  };
  auto number = [&](const char* name) -> const std::int64_t* {
    const json::value* v = p.if_contains(name);
    return v && v->is_int64() ? v->if_int64() : nullptr;
  };
  const json::string *sub = text("sub"), *role = text("role"), *jti = text("jti"), *iss = text("iss"),
                     *aud = text("aud");
  const std::int64_t *iat = number("iat"), *exp = number("exp");
  if (!sub || !role || !jti || !iss || !aud || !iat || !exp) return errc::token_malformed;
  if (*iss != issuer_) return errc::token_wrong_issuer;
  if (*aud != audience_) return errc::token_wrong_audience;
  if (*exp <= now_s) return errc::token_expired;
  if (*exp - *iat > ttl_s_) return errc::token_lifetime_too_long;
  if (*iat > now_s + clock_skew_s) return errc::token_not_yet_valid;
  const json::value* gen = p.if_contains("gen");
  if (gen && !gen->is_int64()) return errc::token_malformed;
  return access_claims{std::string(*sub), std::string(*role), *iat, *exp, std::string(*jti), gen ? gen->as_int64() : 0};
}

}  // namespace mothership::auth
