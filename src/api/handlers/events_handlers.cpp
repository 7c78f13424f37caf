#include "api/event_stream.hpp"
#include "api/handlers/handlers.hpp"

namespace mothership::api::handlers {

// GET /api/v1/events: the user's live stream. It lasts at most one access-token lifetime (the
// portal reconnects with a fresh token) and ends when the user is disabled or deleted.
http_response event_stream_open(services& s, request_context& ctx) {
  const auto user_id = ctx.user->id;
  auto* users = &s.users;
  event_stream::options opts;
  opts.ends_at = std::chrono::steady_clock::now() + std::chrono::seconds(s.config.auth.access_ttl_s);
  opts.still_allowed = [users, user_id] {
    auto u = users->find(user_id);
    return u && !u->disabled;
  };
  http_response response{200, "text/event-stream", "", {}};
  response.stream = event_stream::open(s.bus, ctx.user->user_role, std::move(opts));
  return response;
}

}  // namespace mothership::api::handlers
