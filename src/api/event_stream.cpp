#include "api/event_stream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

namespace mothership::api {

namespace asio = boost::asio;

std::optional<auth::permission> event_stream::permission_for(std::string_view type) {
  if (type.starts_with("device.")) return auth::permission::devices_read;
  if (type.starts_with("onboarding.")) return auth::permission::devices_onboard;
  if (type.starts_with("job.")) return auth::permission::jobs_read;
  if (type.starts_with("alert.")) return auth::permission::alerts_read;
  return std::nullopt;
}

std::string event_stream::format(const events::event& e) {
  // Event types and compact JSON never hold a newline, so one data line suffices.
  return "event: " + e.type + "\ndata: " + boost::json::serialize(e.data) + "\n\n";
}

std::shared_ptr<event_stream> event_stream::open(events::event_bus& bus, auth::role role, options opts) {
  std::shared_ptr<event_stream> s(new event_stream(role, std::move(opts)));
  std::weak_ptr<event_stream> weak = s;
  s->subscription_ = bus.subscribe("", [weak](const events::event& e) {
    if (auto self = weak.lock()) self->push(e);
  });
  return s;
}

event_stream::~event_stream() {
  subscription_.reset();
}

void event_stream::attach(asio::any_io_executor executor) {
  executor_ = executor;
  wake_.emplace(executor);
}

// On the publisher's thread: queue, then wake the writer on its own executor. A change of
// someone's access is not sent, but wakes the writer to check whether this stream may go on,
// so that a revoked token or a disabled user loses the stream at once.
void event_stream::push(const events::event& e) {
  bool access_changed = e.type == "user.access_revoked" || e.type == "auth.token_revoked";
  auto needs = permission_for(e.type);
  if (!access_changed && (!needs || !auth::allows(role_, *needs))) return;
  if (!access_changed) {
    std::lock_guard lock(mutex_);
    if (overflowed_) return;
    if (pending_count_ >= opts_.max_queued) {
      overflowed_ = true;
    } else {
      pending_ += format(e);
      ++pending_count_;
    }
  }
  if (executor_)
    asio::post(executor_, [weak = weak_from_this()] {
      if (auto self = weak.lock(); self && self->wake_) self->wake_->cancel();
    });
}

asio::awaitable<std::optional<std::string>> event_stream::next() {
  for (;;) {
    // Checked before anything is sent: a client kept busy by a stream of events must not keep
    // a stream its token no longer allows.
    auto now = std::chrono::steady_clock::now();
    if (now >= opts_.ends_at || (opts_.still_allowed && !opts_.still_allowed())) co_return std::nullopt;
    {
      std::lock_guard lock(mutex_);
      if (overflowed_) co_return std::nullopt;
      if (!pending_.empty()) {
        pending_count_ = 0;
        co_return std::exchange(pending_, {});
      }
    }
    wake_->expires_at(std::min(now + opts_.keep_alive, opts_.ends_at));
    auto [ec] = co_await wake_->async_wait(asio::as_tuple(asio::use_awaitable));
    if (!ec) {
      std::lock_guard lock(mutex_);
      if (pending_.empty() && std::chrono::steady_clock::now() < opts_.ends_at) co_return ": keep-alive\n\n";
    }
  }
}

}  // namespace mothership::api
