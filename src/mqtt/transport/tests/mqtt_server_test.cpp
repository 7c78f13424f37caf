// The listeners end to end on loopback, with the project's client: connection events, and a
// TLS listener serving the self-issued certificate.
#include "mqtt/transport/mqtt_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "mqtt/broker/fleet_policy.hpp"
#include "mqtt/client/mqtt_client.hpp"
#include "mqtt/transport/tls_context.hpp"
#include "pki/self_signed.hpp"

namespace mothership::mqtt {
namespace {

namespace asio = boost::asio;

class mqtt_server_test : public ::testing::Test {
 protected:
  mqtt_server_test()
      : policy_(fleet_policy_options{.allow_anonymous = true}),
        broker_({}, policy_),
        io_(1),
        server_(io_, broker_, policy_, {}, &bus_) {
    heard_ = bus_.subscribe("mqtt.", [this](const events::event& e) {
      std::lock_guard lock(mutex_);
      events_.push_back(e);
    });
  }

  ~mqtt_server_test() override {
    server_.stop_accepting();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

  void start() {
    io_.hold();
    thread_ = std::thread([this] { io_.run(); });
  }

  // Runs a client session to completion on a context of its own.
  void run_client(std::function<asio::awaitable<void>(client&)> session) {
    asio::io_context ctx;
    client c(ctx.get_executor());
    auto done = asio::co_spawn(ctx, session(c), asio::use_future);
    ctx.run();
    done.get();
  }

  std::vector<events::event> events_after(std::size_t count) {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(mutex_);
        if (events_.size() >= count) return events_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::lock_guard lock(mutex_);
    return events_;
  }

  fleet_policy policy_;
  broker broker_;
  events::event_bus bus_;
  common::io_pool io_;
  mqtt_server server_;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<events::event> events_;
  events::event_bus::subscription heard_;
};

TEST_F(mqtt_server_test, connections_are_announced_on_the_event_bus) {
  auto at = server_.listen_tcp("127.0.0.1:0");
  start();
  std::function<asio::awaitable<void>(client&)> session = [&](client& c) -> asio::awaitable<void> {
    client_options options{.host = "127.0.0.1", .port = at.port(), .client_id = "announced"};
    auto ack = co_await c.connect(options);
    EXPECT_EQ(ack.reason, reason_code::success);
    co_await c.disconnect();
  };
  run_client(session);

  auto seen = events_after(2);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].type, "mqtt.connected");
  EXPECT_EQ(seen[0].subject, "announced");
  EXPECT_EQ(seen[0].data.at("transport").as_string(), "tcp");
  EXPECT_EQ(seen[0].data.at("identity_kind").as_string(), "anonymous");
  EXPECT_EQ(std::string(seen[0].data.at("address").as_string()).rfind("127.0.0.1:", 0), 0u);
  EXPECT_EQ(seen[1].type, "mqtt.disconnected");
  EXPECT_EQ(seen[1].data.at("reason").as_string(), "client disconnected");
  EXPECT_EQ(server_.auth_failures(), 0u);
}

TEST_F(mqtt_server_test, tls_listener_serves_its_certificate_and_counts_failed_handshakes) {
  auto dir = std::filesystem::temp_directory_path() / ("ms-tls-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto key = (dir / "server.key").string(), cert = (dir / "server.crt").string();
  ASSERT_TRUE(pki::write_self_signed_if_missing(key, cert, {"localhost", "127.0.0.1"}, 1));
  EXPECT_EQ(std::filesystem::status(key).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto at = server_.listen_tls("127.0.0.1:0", tls_settings{make_server_tls_context({cert, key, ""}), {}});
  start();

  std::function<asio::awaitable<void>(client&)> trusting = [&](client& c) -> asio::awaitable<void> {
    client_options options{.host = "127.0.0.1", .port = at.port(), .client_id = "over-tls"};
    options.tls = tls_options{.ca_file = cert};
    auto ack = co_await c.connect(options);
    EXPECT_EQ(ack.reason, reason_code::success);
    co_await c.disconnect();
  };
  run_client(trusting);
  auto seen = events_after(1);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen[0].data.at("transport").as_string(), "tls");

  // A client that trusts another certificate gives up during the handshake.
  auto other = (dir / "other.crt").string();
  std::ofstream(other) << pki::issue_self_signed({"localhost"}, 1).certificate_pem;
  std::function<asio::awaitable<void>(client&)> distrusting = [&](client& c) -> asio::awaitable<void> {
    client_options options{.host = "127.0.0.1", .port = at.port(), .client_id = "distrusting"};
    options.tls = tls_options{.ca_file = other};
    EXPECT_THROW(co_await c.connect(options), boost::system::system_error);
  };
  run_client(distrusting);
  for (int i = 0; i < 200 && server_.handshake_failures() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(server_.handshake_failures(), 1u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mothership::mqtt
