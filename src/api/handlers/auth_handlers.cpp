#include <boost/json/serialize.hpp>

#include "api/handlers/handlers.hpp"
#include "api/json_body.hpp"
#include "api/json_views.hpp"
#include "api/security_headers.hpp"
#include "auth/password.hpp"
#include "auth/password_strength.hpp"

namespace mothership::api::handlers {

namespace {

constexpr const char* refresh_cookie = "ms_refresh";
constexpr const char* refresh_cookie_path = "/api/v1/auth";

std::string cookie_header(const services& s, const http_request& request, const std::string& value, int max_age) {
  std::string c = std::string(refresh_cookie) + "=" + value + "; Path=" + refresh_cookie_path +
                  "; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (refresh_cookie_secure(s.config.http, request.over_tls)) c += "; Secure";
  return c;
}

http_response session_response(const services& s, const http_request& request, const auth::session& session) {
  boost::json::object body{{"access_token", session.access_token},
                           {"token_type", "Bearer"},
                           {"expires_in", session.expires_in},
                           {"user", to_json(session.who)}};
  return json_response(200, boost::json::serialize(body))
      .with_header("Set-Cookie", cookie_header(s, request, session.refresh_token, session.refresh_expires_in));
}

}  // namespace

http_response login(services& s, request_context& ctx) {
  auto body = read_json_object(ctx.request);
  if (auto* problem_response = std::get_if<http_response>(&body)) return std::move(*problem_response);
  field_reader fields(std::get<boost::json::object>(body));
  auto username = fields.text("username", true, 64);
  auto password = fields.text("password", true, auth::max_password_length);
  if (!fields.ok()) return fields.problem();

  int retry_after = 0;
  auto session = s.sessions.login(*username, *password, ctx.request.remote_address, retry_after);
  if (!session) return problem_for(session.error(), {.retry_after_s = retry_after});
  return session_response(s, ctx.request, *session);
}

http_response refresh(services& s, request_context& ctx) {
  auto token = ctx.request.cookie(refresh_cookie);
  if (!token || token->empty()) return unauthorized("No refresh token; log in again.");
  auto session = s.sessions.refresh(*token, ctx.request.remote_address);
  if (!session)
    return unauthorized("The session has ended; log in again.")
        .with_header("Set-Cookie", cookie_header(s, ctx.request, "", 0));
  return session_response(s, ctx.request, *session);
}

// Public, so that a portal whose access token expired can still end its refresh cookie; an
// access token sent along is revoked too.
http_response logout(services& s, request_context& ctx) {
  auto cookie = ctx.request.cookie(refresh_cookie);
  auto bearer = ctx.request.bearer_token();
  if ((cookie && !cookie->empty()) || bearer)
    s.sessions.logout(cookie.value_or(""), bearer.value_or(""), ctx.request.remote_address);
  return no_content().with_header("Set-Cookie", cookie_header(s, ctx.request, "", 0));
}

http_response me(services&, request_context& ctx) {
  return json_response(200, boost::json::serialize(to_json(*ctx.user)));
}

http_response change_own_password(services& s, request_context& ctx) {
  auto body = read_json_object(ctx.request);
  if (auto* problem_response = std::get_if<http_response>(&body)) return std::move(*problem_response);
  field_reader fields(std::get<boost::json::object>(body));
  auto current = fields.text("current_password", true, auth::max_password_length);
  auto next = fields.text("new_password", true, auth::max_password_length);
  if (next)
    if (auto weakness = auth::password_weakness(*next, ctx.user->username)) fields.fail("new_password", *weakness);
  if (!fields.ok()) return fields.problem();
  int retry_after = 0;
  auto changed = s.sessions.change_password(ctx.user->id, *current, *next, ctx.request.remote_address, retry_after);
  if (!changed) return problem_for(changed.error(), {.retry_after_s = retry_after});
  return no_content();
}

}  // namespace mothership::api::handlers
