#include <algorithm>

#include "api/event_stream.hpp"
#include "api/handlers/handlers.hpp"
#include "common/clock.hpp"

namespace mothership::api::handlers {

// GET /api/v1/events: the user's live stream. It lasts until its access token expires (the
// portal reconnects with a fresh token) and ends when that token is revoked, or the user is
// disabled, deleted or given another role (whose events differ).
http_response event_stream_open(services& s, request_context& ctx) {
  const auto* sessions = &s.sessions;
  event_stream::options opts;
  auto now_s = common::now_ms() / 1000;
  auto left = std::chrono::seconds(std::max<std::int64_t>(0, ctx.token->exp - now_s));
  opts.ends_at = std::chrono::steady_clock::now() + left;
  opts.still_allowed = [sessions, token = std::string(*ctx.request.bearer_token()), role = ctx.user->user_role] {
    auto now = sessions->check(token);
    return now && now->who.user_role == role;
  };
  http_response response{200, "text/event-stream", "", {}};
  response.stream = event_stream::open(s.bus, ctx.user->user_role, std::move(opts));
  return response;
}

}  // namespace mothership::api::handlers
