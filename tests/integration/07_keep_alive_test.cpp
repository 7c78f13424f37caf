// 07 Connection reuse: keep-alive, pipelining, Connection: close, HEAD.
#include <gtest/gtest.h>

#include <memory>

#include "api_client.hpp"
#include "server_process.hpp"

namespace mothership::integration {
namespace {

using std::chrono::milliseconds;

class KeepAlive : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<server_process>(server_options{.env = {{"MOTHERSHIP_HTTP_IDLE_TIMEOUT_S", "2"}}});
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->stop(), 0) << server_->log_tail();
    server_.reset();
  }
  static int port() { return server_->port(); }

  static std::unique_ptr<server_process> server_;
};
std::unique_ptr<server_process> KeepAlive::server_;

TEST_F(KeepAlive, TwoRequestsOnOneConnectionAreBothAnswered) {
  http_connection c(port());
  http_request health{"GET", "/healthz"};
  health.keep_alive = true;
  auto first = c.exchange(health);
  EXPECT_EQ(first.status, 200) << first;
  EXPECT_NE(first.header("Connection"), "close") << first;
  EXPECT_FALSE(c.wait_closed(milliseconds(200))) << "closed after a keep-alive request";

  http_request ready{"GET", "/readyz"};
  ready.keep_alive = true;
  auto second = c.exchange(ready);
  EXPECT_EQ(second.status, 200) << second;
  EXPECT_EQ(second.body, R"({"status":"ready"})");
  EXPECT_NE(first.header("X-Request-Id"), second.header("X-Request-Id"));
}

TEST_F(KeepAlive, PipelinedRequestsAreAnsweredInOrder) {
  http_connection c(port());
  http_request health{"GET", "/healthz"};
  health.keep_alive = true;
  http_request missing{"GET", "/api/v1/nothing"};
  missing.keep_alive = true;
  http_request login{
      "POST", "/api/v1/auth/login", {{"Content-Type", "application/json"}}, login_body("admin", admin_password)};
  login.keep_alive = true;
  c.send(health.to_bytes(port()) + login.to_bytes(port()) + missing.to_bytes(port()));
  EXPECT_EQ(c.read_response().status, 200);
  auto logged_in = c.read_response();
  EXPECT_EQ(logged_in.status, 200) << logged_in;
  EXPECT_NE(logged_in.body.find("access_token"), std::string::npos);
  EXPECT_EQ(c.read_response().status, 404);
}

TEST_F(KeepAlive, ConnectionCloseIsHonoured) {
  http_connection c(port());
  auto r = c.exchange({"GET", "/healthz"});  // keep_alive = false sends Connection: close
  EXPECT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.header("Connection"), "close") << r;
  EXPECT_TRUE(c.wait_closed(milliseconds(3000)));
}

TEST_F(KeepAlive, ErrorResponsesKeepTheConnectionUsable) {
  http_connection c(port());
  for (int i = 0; i < 3; ++i) {
    http_request bad{"POST", "/api/v1/auth/login", {{"Content-Type", "application/json"}}, "{not json"};
    bad.keep_alive = true;
    EXPECT_EQ(c.exchange(bad).status, 400);
    http_request health{"GET", "/healthz"};
    health.keep_alive = true;
    EXPECT_EQ(c.exchange(health).status, 200);
  }
}

TEST_F(KeepAlive, HeadIsAnsweredWithoutABody) {
  http_connection c(port());
  http_request head{"HEAD", "/healthz"};
  head.keep_alive = true;
  auto r = c.exchange(head);
  EXPECT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.header("Content-Length"), "15");
  EXPECT_TRUE(r.body.empty());
  // Had the server sent a body anyway, it would now be read as the next response's start.
  http_request health{"GET", "/healthz"};
  health.keep_alive = true;
  auto next = c.exchange(health);
  EXPECT_EQ(next.status, 200) << next;
  EXPECT_EQ(next.body, R"({"status":"ok"})");
}

TEST_F(KeepAlive, IdleConnectionIsClosedAfterTheIdleTimeout) {
  http_connection c(port());
  http_request health{"GET", "/healthz"};
  health.keep_alive = true;
  ASSERT_EQ(c.exchange(health).status, 200);
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(c.wait_closed(milliseconds(1000))) << "closed well before the 2 s idle timeout";
  EXPECT_TRUE(c.wait_closed(milliseconds(4000))) << "an idle connection was kept past the idle timeout";
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(1500));
}

TEST_F(KeepAlive, ExpectContinueGetsAnInterimResponseBeforeTheBody) {
  http_connection c(port());
  std::string body = login_body("admin", admin_password);
  c.send(
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n");
  std::string interim = c.read_raw_head();
  EXPECT_EQ(interim.rfind("HTTP/1.1 100", 0), 0u) << interim;
  c.send(body);
  auto r = c.read_response();
  EXPECT_EQ(r.status, 200) << r;
}

TEST_F(KeepAlive, ManyConcurrentConnectionsAreAllServed) {
  constexpr int count = 64;
  std::vector<std::unique_ptr<http_connection>> connections;
  http_request health{"GET", "/healthz"};
  health.keep_alive = true;
  for (int i = 0; i < count; ++i) {
    connections.push_back(std::make_unique<http_connection>(port()));
    connections.back()->send(health.to_bytes(port()));
  }
  for (int round = 0; round < 2; ++round) {
    for (auto& c : connections) EXPECT_EQ(c->read_response().status, 200);
    if (round == 0)
      for (auto& c : connections) c->send(health.to_bytes(port()));
  }
}

}  // namespace
}  // namespace mothership::integration
