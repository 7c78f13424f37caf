#pragma once
// Logging in and staying logged in: password login (throttled), short-lived access tokens,
// rotating refresh tokens (a reused one revokes its whole family), logout, own password change,
// and turning a bearer token back into the user it speaks for.
#include <string>

#include "audit/audit_log.hpp"
#include "auth/access_token.hpp"
#include "auth/errors.hpp"
#include "auth/login_throttle.hpp"
#include "auth/user_service.hpp"
#include "storage/database.hpp"

namespace mothership::auth {

struct session {
  std::string access_token;
  int expires_in = 0;
  std::string refresh_token;
  int refresh_expires_in = 0;
  user who;
};

class session_service {
 public:
  session_service(storage::database& db, audit::audit_log& audit, user_service& users, access_token_codec& tokens,
                  login_throttle& throttle, int refresh_ttl_s);

  // On errc::throttled, `retry_after_s` says how long to wait.
  result<session> login(const std::string& username, const std::string& password, const std::string& source,
                        int& retry_after_s);
  result<session> refresh(const std::string& refresh_token, const std::string& source);
  void logout(const std::string& refresh_token, const std::string& source);
  result<void> change_password(const std::string& user_id, const std::string& current, const std::string& next,
                               const std::string& source);

  // A valid, unexpired access token of an existing, enabled user; the user as they are now
  // (a role changed since the token was issued applies at once). No database call.
  result<user> authenticate(std::string_view bearer_token) const;

 private:
  session open(storage::connection& c, const user& u, const std::string& family_id);

  storage::database& db_;
  audit::audit_log& audit_;
  user_service& users_;
  access_token_codec& tokens_;
  login_throttle& throttle_;
  int refresh_ttl_s_;
};

}  // namespace mothership::auth
