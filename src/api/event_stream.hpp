#pragma once
// One portal client's live event stream (GET /api/v1/events, Server-Sent Events): domain
// events from the bus that the user's role may see, queued per client and written by the
// HTTP connection as they come. A client that falls 1,000 events behind is cut off (it
// reconnects and refetches) rather than holding memory without end; a user who is disabled
// or whose access token would have expired loses the stream too, so it is never a way around
// authentication.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "auth/rbac.hpp"
#include "events/event_bus.hpp"

namespace mothership::api {

class event_stream : public std::enable_shared_from_this<event_stream> {
 public:
  struct options {
    std::chrono::seconds keep_alive{15};
    std::chrono::steady_clock::time_point ends_at;  // when the user's access token expires
    // False once the token is revoked, or the user disabled, gone or given another role.
    // Checked at every wake-up, and every access change on the bus wakes the stream.
    std::function<bool()> still_allowed;
    std::size_t max_queued = 1000;
  };

  static std::shared_ptr<event_stream> open(events::event_bus& bus, auth::role role, options opts);
  ~event_stream();

  // Binds the stream to the connection's executor; call once before next().
  void attach(boost::asio::any_io_executor executor);
  // The next text to send: queued events in SSE form, or a keep-alive comment after a quiet
  // `keep_alive`. nullopt when the stream is over (overflow, expiry, access revoked).
  boost::asio::awaitable<std::optional<std::string>> next();

  // The SSE form of one event: "event: <type>\ndata: <json>\n\n".
  static std::string format(const events::event& e);
  // Which permission an event type needs; nullopt = never sent to the portal.
  static std::optional<auth::permission> permission_for(std::string_view type);

 private:
  event_stream(auth::role role, options opts) : role_(role), opts_(std::move(opts)) {}
  void push(const events::event& e);

  auth::role role_;
  options opts_;
  events::event_bus::subscription subscription_;
  std::mutex mutex_;
  std::string pending_;  // formatted, not yet taken
  std::size_t pending_count_ = 0;
  bool overflowed_ = false;
  std::optional<boost::asio::steady_timer> wake_;
  boost::asio::any_io_executor executor_;
};

}  // namespace mothership::api
