#pragma once
// Expected failures of the auth domain, as error codes (one enum, one category).
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace mothership::auth {

enum class errc {
  invalid_credentials = 1,  // unknown user or wrong password: deliberately one code
  throttled,
  token_malformed,
  token_unsupported_alg,
  token_unknown_key,
  token_bad_signature,
  token_expired,
  token_wrong_issuer,
  token_wrong_audience,
  refresh_invalid,
  refresh_reused,
  user_not_found,
  user_disabled,
  username_taken,
  last_admin,
  wrong_current_password,
  token_lifetime_too_long,  // exp - iat beyond the configured access-token lifetime
  token_not_yet_valid,      // iat in the future beyond the clock skew
  token_revoked,            // logged out, or issued before a password change, reset or disable
  password_too_weak,
};

const boost::system::error_category& auth_category();
inline boost::system::error_code make_error_code(errc e) {
  return {static_cast<int>(e), auth_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace mothership::auth

template <>
struct boost::system::is_error_code_enum<mothership::auth::errc> : std::true_type {};
