#include "api/event_stream.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace mothership::api {
namespace {

using namespace std::chrono_literals;

// Runs next() once on a fresh io_context; `during` runs while it waits.
std::optional<std::string> take(event_stream& s, boost::asio::io_context& io, std::function<void()> during = {}) {
  std::optional<std::optional<std::string>> out;
  boost::asio::co_spawn(
      io, [&]() -> boost::asio::awaitable<void> { out = co_await s.next(); }, boost::asio::detached);
  io.restart();
  io.poll();
  if (during) during();
  io.restart();
  io.run_for(3s);
  return out.value_or(std::string("(no answer)"));
}

event_stream::options soon_ending(std::chrono::seconds keep_alive = 15s) {
  event_stream::options o;
  o.keep_alive = keep_alive;
  o.ends_at = std::chrono::steady_clock::now() + 60s;
  return o;
}

TEST(event_stream, sends_what_the_role_may_see_in_sse_form) {
  events::event_bus bus;
  boost::asio::io_context io;
  auto viewer = event_stream::open(bus, auth::role::viewer, soon_ending());
  auto technician = event_stream::open(bus, auth::role::technician, soon_ending());
  viewer->attach(io.get_executor());
  technician->attach(io.get_executor());
  bus.publish({"onboarding.updated", "SN-1", {{"serial", "SN-1"}, {"stage", "verified"}}});
  bus.publish({"user.access_revoked", "u", {{"username", "x"}}});  // never to the portal
  bus.publish({"device.updated", "dev_1", {{"id", "dev_1"}, {"status", "online"}}});
  EXPECT_EQ(*take(*technician, io),
            "event: onboarding.updated\ndata: {\"serial\":\"SN-1\",\"stage\":\"verified\"}\n\n"
            "event: device.updated\ndata: {\"id\":\"dev_1\",\"status\":\"online\"}\n\n");
  EXPECT_EQ(*take(*viewer, io), "event: device.updated\ndata: {\"id\":\"dev_1\",\"status\":\"online\"}\n\n");
}

TEST(event_stream, wakes_a_waiting_writer_and_keeps_quiet_streams_alive) {
  events::event_bus bus;
  boost::asio::io_context io;
  auto s = event_stream::open(bus, auth::role::admin, soon_ending(1s));
  s->attach(io.get_executor());
  auto got = take(*s, io, [&] { bus.publish({"device.updated", "d", {{"id", "d"}}}); });
  EXPECT_EQ(*got, "event: device.updated\ndata: {\"id\":\"d\"}\n\n");
  EXPECT_EQ(*take(*s, io), ": keep-alive\n\n");
}

TEST(event_stream, ends_on_overflow_expiry_or_revoked_access) {
  events::event_bus bus;
  boost::asio::io_context io;
  auto opts = soon_ending();
  opts.max_queued = 2;
  auto flooded = event_stream::open(bus, auth::role::admin, opts);
  flooded->attach(io.get_executor());
  for (int i = 0; i < 3; ++i) bus.publish({"device.updated", "d", {}});
  EXPECT_FALSE(take(*flooded, io));

  auto expired_opts = soon_ending();
  expired_opts.ends_at = std::chrono::steady_clock::now();
  auto expired = event_stream::open(bus, auth::role::admin, expired_opts);
  expired->attach(io.get_executor());
  EXPECT_FALSE(take(*expired, io));

  auto revoked_opts = soon_ending();
  revoked_opts.still_allowed = [] { return false; };
  auto revoked = event_stream::open(bus, auth::role::admin, revoked_opts);
  revoked->attach(io.get_executor());
  EXPECT_FALSE(take(*revoked, io));
}

// A token revoked while the stream waits (a logout elsewhere, a password change): the stream
// must end at once, not at its next keep-alive.
TEST(event_stream, an_access_change_on_the_bus_wakes_the_stream_to_end_it) {
  events::event_bus bus;
  boost::asio::io_context io;
  bool allowed = true;
  auto opts = soon_ending(10s);
  opts.still_allowed = [&allowed] { return allowed; };
  auto s = event_stream::open(bus, auth::role::admin, opts);
  s->attach(io.get_executor());
  auto started = std::chrono::steady_clock::now();
  auto got = take(*s, io, [&] {
    allowed = false;
    bus.publish({"auth.token_revoked", "u", {{"jti", "j"}}});
  });
  EXPECT_FALSE(got);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST(event_stream, a_busy_stream_still_ends_when_access_is_revoked) {
  events::event_bus bus;
  boost::asio::io_context io;
  bool allowed = true;
  auto opts = soon_ending();
  opts.still_allowed = [&allowed] { return allowed; };
  auto s = event_stream::open(bus, auth::role::admin, opts);
  s->attach(io.get_executor());
  bus.publish({"device.updated", "d", {{"id", "d"}}});
  allowed = false;
  EXPECT_FALSE(take(*s, io));  // queued events are not sent past the revocation
}

}  // namespace
}  // namespace mothership::api
