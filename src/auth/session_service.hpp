#pragma once
// Logging in and staying logged in: password login (throttled), short-lived access tokens,
// rotating refresh tokens (a reused one revokes its whole family), logout (which revokes the
// access token it came with), own password change (throttled like login, since it re-checks a
// password), and turning a bearer token back into the user it speaks for.
#include <string>

#include "audit/audit_log.hpp"
#include "auth/access_token.hpp"
#include "auth/errors.hpp"
#include "auth/login_throttle.hpp"
#include "auth/revoked_tokens.hpp"
#include "auth/user_service.hpp"
#include "events/event_bus.hpp"
#include "storage/database.hpp"

namespace mothership::auth {

struct session {
  std::string access_token;
  int expires_in = 0;
  std::string refresh_token;
  int refresh_expires_in = 0;
  user who;
};

// A bearer token that authenticated: its user as they are now, and the token's claims.
struct authenticated {
  user who;
  access_claims claims;
};

class session_service {
 public:
  // `events` (may be null) hears "auth.token_revoked" {user_id, jti} when logout revokes a
  // token, so that connections opened with it (MQTT) end too.
  session_service(storage::database& db, audit::audit_log& audit, user_service& users, access_token_codec& tokens,
                  login_throttle& throttle, revoked_tokens& revoked, int refresh_ttl_s,
                  events::event_bus* events = nullptr);

  // On errc::throttled, `retry_after_s` says how long to wait.
  result<session> login(const std::string& username, const std::string& password, const std::string& source,
                        int& retry_after_s);
  result<session> refresh(const std::string& refresh_token, const std::string& source);
  // Ends the refresh token's login and revokes `access_token` (either may be empty).
  void logout(const std::string& refresh_token, std::string_view access_token, const std::string& source);
  // On errc::throttled, `retry_after_s` says how long to wait. Success revokes every earlier
  // access token and refresh token of the user: the caller logs in again.
  result<void> change_password(const std::string& user_id, const std::string& current, const std::string& next,
                               const std::string& source, int& retry_after_s);

  // A valid, unexpired, unrevoked access token of an existing, enabled user; the user as they
  // are now (a role changed since the token was issued applies at once). No database call.
  result<authenticated> check(std::string_view bearer_token) const;
  result<user> authenticate(std::string_view bearer_token) const;
  // The user exists and is not disabled (the in-memory directory: no database call).
  bool user_enabled(const std::string& user_id) const;

 private:
  session open(storage::connection& c, const user& u, const std::string& family_id);

  storage::database& db_;
  audit::audit_log& audit_;
  user_service& users_;
  access_token_codec& tokens_;
  login_throttle& throttle_;
  revoked_tokens& revoked_;
  int refresh_ttl_s_;
  events::event_bus* events_;
};

}  // namespace mothership::auth
