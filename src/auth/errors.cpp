#include "auth/errors.hpp"

namespace mothership::auth {

namespace {
class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "auth"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::invalid_credentials:
        return "invalid username or password";
      case errc::throttled:
        return "too many failed attempts";
      case errc::token_malformed:
        return "malformed token";
      case errc::token_unsupported_alg:
        return "unsupported token algorithm";
      case errc::token_unknown_key:
        return "token signed by an unknown key";
      case errc::token_bad_signature:
        return "bad token signature";
      case errc::token_expired:
        return "token expired";
      case errc::token_wrong_issuer:
        return "token from another issuer";
      case errc::token_wrong_audience:
        return "token for another audience";
      case errc::refresh_invalid:
        return "invalid or expired refresh token";
      case errc::refresh_reused:
        return "refresh token reused; session revoked";
      case errc::user_not_found:
        return "user not found";
      case errc::user_disabled:
        return "user is disabled";
      case errc::username_taken:
        return "username already exists";
      case errc::last_admin:
        return "the last enabled admin cannot be removed, disabled or demoted";
      case errc::wrong_current_password:
        return "current password is wrong";
      case errc::token_lifetime_too_long:
        return "token lifetime longer than the server issues";
      case errc::token_not_yet_valid:
        return "token issued in the future";
      case errc::token_revoked:
        return "token revoked";
      case errc::password_too_weak:
        return "password too weak";
    }
    return "auth error";
  }
};
}  // namespace

const boost::system::error_category& auth_category() {
  static const category instance;
  return instance;
}

}  // namespace mothership::auth
