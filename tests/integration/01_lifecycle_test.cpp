// 01 Server lifecycle: version, listening, graceful stop, log format, first admin, signing key.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <memory>
#include <regex>
#include <sstream>
#include <thread>

#include "api_client.hpp"
#include "server_process.hpp"

namespace mothership::integration {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

// Value of an unlabelled gauge or counter in Prometheus text, or -1.
long metric_value(const std::string& text, const std::string& name) {
  std::string key = "\n" + name + " ";
  auto pos = text.find(key);
  if (pos == std::string::npos) return -1;
  return std::stol(text.substr(pos + key.size()));
}

std::string jwks_kid(const api_client& api) {
  auto r = api.get("/.well-known/jwks.json");
  EXPECT_EQ(r.status, 200) << r;
  return json::value_to<std::string>(json::parse(r.body).at("keys").at(0).at("kid"));
}

std::string token_kid(const std::string& token) {
  std::string header = base64url_decode(token.substr(0, token.find('.')));
  return json::value_to<std::string>(json::parse(header).at("kid"));
}

unsigned permissions_of(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0xFFFF;
  return st.st_mode & 07777;
}

TEST(Lifecycle, VersionFlagPrintsVersion) {
  auto r = run_command({mothership_binary(), "--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "mothership 0.1.0\n");
}

TEST(Lifecycle, PortZeroLogsTheBoundPortWhichAnswers) {
  server_process server({.pass_listen_flag = false, .extra_args = {"--http-listen", "127.0.0.1:0"}});
  ASSERT_NE(server.port(), 0);
  EXPECT_NE(server.stdout_text().find("HTTP listening on http://127.0.0.1:" + std::to_string(server.port()) + "\n"),
            std::string::npos)
      << server.log_tail();
  auto r = api_client(server.port()).get("/healthz");
  EXPECT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.body, R"({"status":"ok"})");
  EXPECT_EQ(server.stop(), 0) << server.log_tail();
}

TEST(Lifecycle, SigtermDuringSlowRequestsStillAnswersThemAndExitsZero) {
  server_process server;
  api_client api(server.port());
  // Eight concurrent logins (argon2 each) keep the four workers busy for a while.
  constexpr int logins = 8;
  std::vector<std::unique_ptr<http_connection>> connections;
  for (int i = 0; i < logins; ++i) {
    connections.push_back(std::make_unique<http_connection>(server.port()));
    http_request login{
        "POST", "/api/v1/auth/login", {{"Content-Type", "application/json"}}, login_body("admin", admin_password)};
    connections.back()->send(login.to_bytes(server.port()));
  }
  // Wait until the worker pool has the logins, so the signal lands while they are in flight.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  long pending = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    pending = metric_value(api.get("/metrics").body, "mothership_worker_pool_pending");
    if (pending >= 2) break;
  }
  ASSERT_GE(pending, 2) << "the logins never reached the worker pool";
  server.send_signal(SIGTERM);

  for (auto& c : connections) {
    auto r = c->read_response();
    EXPECT_EQ(r.status, 200) << r;
    EXPECT_TRUE(json::parse(r.body).as_object().contains("access_token")) << r;
  }
  auto code = server.wait_exit(std::chrono::seconds(15));
  ASSERT_TRUE(code.has_value()) << "the server did not exit after SIGTERM";
  EXPECT_EQ(*code, 0) << server.log_tail();
  EXPECT_NE(server.stdout_text().find("received signal 15; draining"), std::string::npos) << server.log_tail();
  EXPECT_FALSE(port_accepts(server.port()));
}

TEST(Lifecycle, JsonLogFormatWritesOneObjectPerLineWithRequestLines) {
  server_process server({.extra_args = {"--log-format", "json"}});
  auto r = api_client(server.port()).send({"GET", "/healthz", {{"X-Request-Id", "it-json-req-1"}}});
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.header("X-Request-Id"), "it-json-req-1");
  auto missing = api_client(server.port()).send({"GET", "/api/v1/nothing", {{"X-Request-Id", "it-json-req-2"}}});
  ASSERT_EQ(missing.status, 404) << missing;
  ASSERT_EQ(server.stop(), 0) << server.log_tail();

  std::istringstream lines(server.stdout_text());
  std::string line;
  int count = 0;
  bool saw_ok = false, saw_missing = false;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    ++count;
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    ASSERT_FALSE(ec) << "not JSON: " << line;
    ASSERT_TRUE(v.is_object()) << line;
    const auto& o = v.as_object();
    ASSERT_TRUE(o.contains("time") && o.at("time").is_string()) << line;
    ASSERT_TRUE(o.contains("level") && o.at("level").is_string()) << line;
    ASSERT_TRUE(o.contains("msg") && o.at("msg").is_string()) << line;
    std::string msg(o.at("msg").as_string());
    auto has = [&](const char* s) { return msg.find(s) != std::string::npos; };
    if (has("id=it-json-req-1")) {
      saw_ok = true;
      EXPECT_TRUE(has("GET /healthz")) << line;
      EXPECT_TRUE(has("status=200")) << line;
      EXPECT_TRUE(std::regex_search(msg, std::regex(R"(duration_ms=[0-9]+(\.[0-9]+)?)"))) << line;
    }
    if (has("id=it-json-req-2")) {
      saw_missing = true;
      EXPECT_TRUE(has("status=404")) << line;
    }
  }
  EXPECT_GE(count, 4);  // starting, listening, requests, draining, stopped
  EXPECT_TRUE(saw_ok) << server.stdout_text();
  EXPECT_TRUE(saw_missing) << server.stdout_text();
}

TEST(Lifecycle, RequestPathCannotForgeTextLogLines) {
  server_process server;
  // A percent-encoded line break in the path must not start a new (forged) log line.
  auto r = api_client(server.port())
               .send({"GET",
                      "/api/v1/x%0a2030-01-01T00:00:00.000Z%20warning%20forged%0d%0aentry",
                      {{"X-Request-Id", "it-forge-1"}}});
  EXPECT_EQ(r.status, 404) << r;
  ASSERT_EQ(server.stop(), 0) << server.log_tail();
  std::istringstream lines(server.stdout_text());
  std::string line;
  bool request_line_whole = false;
  while (std::getline(lines, line)) {
    EXPECT_NE(line.rfind("2030-01-01", 0), 0u) << "forged log line: " << line;
    EXPECT_NE(line.rfind("entry", 0), 0u) << "forged log line: " << line;
    if (line.find("id=it-forge-1") != std::string::npos)
      request_line_whole = line.find("status=404") != std::string::npos;
  }
  EXPECT_TRUE(request_line_whole) << "the request's log line was split:\n" << server.stdout_text();
}

TEST(Lifecycle, FirstStartPrintsARandomAdminPasswordOnce) {
  temp_dir data;
  std::string password;
  {
    server_process first({.admin_password = std::nullopt, .data_dir = data.path() / "d"});
    // The banner goes to stderr (stdout stays pure log lines, JSON ones with --log-format json).
    std::string out = first.stderr_text();
    std::smatch m;
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(password: (\S+))"))) << first.log_tail();
    password = m[1].str();
    EXPECT_GE(password.size(), 16u);
    EXPECT_NE(out.find("username: admin"), std::string::npos) << out;
    auto session = login_session(api_client(first.port()), "admin", password);
    EXPECT_FALSE(session.access_token.empty());
    ASSERT_EQ(first.stop(), 0) << first.log_tail();
    std::string all = first.stdout_text() + first.stderr_text();
    EXPECT_EQ(all.find(password), all.rfind(password)) << "the password is printed more than once:\n" << all;
  }
  server_process second({.admin_password = std::nullopt, .data_dir = data.path() / "d"});
  EXPECT_NO_THROW(login(api_client(second.port()), "admin", password));
  ASSERT_EQ(second.stop(), 0) << second.log_tail();
  std::string again = second.stdout_text() + second.stderr_text();
  EXPECT_EQ(again.find("password:"), std::string::npos) << again;
  EXPECT_EQ(again.find(password), std::string::npos) << again;
}

TEST(Lifecycle, SigningKeyIsPrivateAndTokensSurviveARestart) {
  temp_dir data;
  fs::path dir = data.path() / "d";
  std::string token, kid, refresh_cookie;
  {
    server_process first({.data_dir = dir});
    EXPECT_EQ(permissions_of(dir / "keys" / "jwt-signing.pem"), 0600u);
    EXPECT_EQ(permissions_of(dir / "keys"), 0700u);
    api_client api(first.port());
    auto session = login_session(api, "admin", admin_password);
    token = session.access_token;
    refresh_cookie = session.refresh_cookie;
    kid = jwks_kid(api);
    EXPECT_EQ(token_kid(token), kid);
    ASSERT_EQ(first.stop(), 0) << first.log_tail();
  }
  server_process second({.data_dir = dir});
  api_client api(second.port());
  EXPECT_EQ(jwks_kid(api), kid);
  auto me = api.get("/api/v1/me", token);
  ASSERT_EQ(me.status, 200) << me;
  EXPECT_EQ(json::value_to<std::string>(json::parse(me.body).at("username")), "admin");
  EXPECT_EQ(permissions_of(dir / "keys" / "jwt-signing.pem"), 0600u);
  // The refresh token (stored hashed in the database) survives too.
  auto refreshed = api.send({"POST", "/api/v1/auth/refresh", {{"Cookie", "ms_refresh=" + refresh_cookie}}});
  EXPECT_EQ(refreshed.status, 200) << refreshed;
  EXPECT_EQ(second.stop(), 0) << second.log_tail();
}

TEST(Lifecycle, SigtermWithIdleConnectionsExitsPromptly) {
  server_process server;
  http_connection idle(server.port());
  http_request health{"GET", "/healthz"};
  health.keep_alive = true;
  ASSERT_EQ(idle.exchange(health).status, 200);
  http_connection silent(server.port());  // connected, never sends
  http_connection partial(server.port());
  partial.send("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // a head that never ends
  std::this_thread::sleep_for(std::chrono::milliseconds(100));

  auto started = std::chrono::steady_clock::now();
  server.send_signal(SIGTERM);
  auto code = server.wait_exit(std::chrono::seconds(5));
  ASSERT_TRUE(code.has_value()) << "idle connections kept the server from stopping";
  EXPECT_EQ(*code, 0) << server.log_tail();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  EXPECT_TRUE(idle.wait_closed(std::chrono::milliseconds(1000)));
  EXPECT_TRUE(silent.wait_closed(std::chrono::milliseconds(1000)));
  EXPECT_TRUE(partial.wait_closed(std::chrono::milliseconds(1000)));
}

TEST(Lifecycle, OverloadedWorkerPoolAnswers503WithRetryAfter) {
  server_process server({.env = {{"MOTHERSHIP_STORAGE_WORKERS", "1"}, {"MOTHERSHIP_STORAGE_QUEUE_LIMIT", "1"}}});
  constexpr int logins = 6;
  std::vector<std::unique_ptr<http_connection>> connections;
  http_request login_request{
      "POST", "/api/v1/auth/login", {{"Content-Type", "application/json"}}, login_body("admin", admin_password)};
  for (int i = 0; i < logins; ++i) {
    connections.push_back(std::make_unique<http_connection>(server.port()));
    connections.back()->send(login_request.to_bytes(server.port()));
  }
  int ok = 0, busy = 0;
  for (auto& c : connections) {
    auto r = c->read_response();
    if (r.status == 200) {
      ++ok;
    } else {
      ++busy;
      EXPECT_EQ(r.status, 503) << r;
      EXPECT_EQ(r.header("Retry-After"), "1") << r;
      EXPECT_EQ(r.header("Content-Type"), "application/problem+json") << r;
      EXPECT_NE(r.body.find("https://mothership.dev/problems/overloaded"), std::string::npos) << r;
    }
  }
  EXPECT_GE(ok, 1);
  EXPECT_GE(busy, 1) << "six concurrent logins never overflowed a queue of one";
  // Once the queue drains, the server works normally.
  EXPECT_NO_THROW(login(api_client(server.port()), "admin", admin_password));
  EXPECT_EQ(api_client(server.port()).get("/readyz").status, 200);
  EXPECT_EQ(server.stop(), 0) << server.log_tail();
}

TEST(Lifecycle, TooShortPresetAdminPasswordIsRefused) {
  temp_dir data;
  auto r = run_command(
      {mothership_binary(), "serve", "--data-dir", (data.path() / "d").string(), "--http-listen", "127.0.0.1:0"},
      {{"MOTHERSHIP_ADMIN_PASSWORD", "short"}}, std::chrono::seconds(20));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, -9) << "the server started instead of refusing";
  EXPECT_NE((r.out + r.err).find("at least 10 characters"), std::string::npos) << r.out << r.err;
}

}  // namespace
}  // namespace mothership::integration
