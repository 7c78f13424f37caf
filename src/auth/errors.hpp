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
