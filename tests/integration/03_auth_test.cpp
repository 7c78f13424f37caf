// 03 Authentication over HTTP: login, access token, refresh rotation and reuse, logout,
// uniform failures, throttling, password change validation.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <thread>

#include "api_client.hpp"
#include "server_process.hpp"

namespace mothership::integration {
namespace {

namespace json = boost::json;

// The text of a JSON string, or a marker that equals no real value.
std::string str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : "<not a string: " + json::serialize(v) + ">";
}

const std::string problem_base = "https://mothership.dev/problems/";

http_response refresh_with(const api_client& api, const std::string& cookie) {
  return api.send({"POST", "/api/v1/auth/refresh", {{"Cookie", "ms_refresh=" + cookie}}});
}

class Auth : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<server_process>(); }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->stop(), 0) << server_->log_tail();
    server_.reset();
  }
  api_client api() const { return api_client(server_->port()); }

  static std::unique_ptr<server_process> server_;
};
std::unique_ptr<server_process> Auth::server_;

TEST_F(Auth, LoginReturnsAccessTokenUserAndRefreshCookie) {
  auto r = api().post_json("/api/v1/auth/login", login_body("admin", admin_password));
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  auto body = json::parse(r.body).as_object();
  ASSERT_TRUE(body.at("access_token").is_string());
  std::string token(body.at("access_token").as_string());
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2) << token;
  EXPECT_EQ(body.at("token_type"), "Bearer");
  EXPECT_EQ(body.at("expires_in"), 900);
  const auto& user = body.at("user").as_object();
  EXPECT_EQ(user.at("username"), "admin");
  EXPECT_EQ(user.at("role"), "admin");
  EXPECT_EQ(user.at("disabled"), false);
  EXPECT_EQ(std::string(user.at("id").as_string()).rfind("usr_", 0), 0u);
  EXPECT_FALSE(user.contains("password_hash"));
  EXPECT_EQ(r.body.find("argon2"), std::string::npos);

  auto cookie = set_cookie_header(r, "ms_refresh");
  ASSERT_TRUE(cookie) << r;
  EXPECT_GT(set_cookie_value(r, "ms_refresh")->size(), 20u);
  EXPECT_NE(cookie->find("; Path=/api/v1/auth"), std::string::npos) << *cookie;
  EXPECT_NE(cookie->find("; HttpOnly"), std::string::npos) << *cookie;
  EXPECT_NE(cookie->find("; SameSite=Strict"), std::string::npos) << *cookie;
}

TEST_F(Auth, ResponsesCarryExactlyOneCacheControl) {
  auto r = api().post_json("/api/v1/auth/login", login_body("admin", admin_password));
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.headers_named("Cache-Control"), std::vector<std::string>{"no-store"}) << r;
  auto jwks = api().get("/.well-known/jwks.json");
  ASSERT_EQ(jwks.status, 200) << jwks;
  EXPECT_EQ(jwks.headers_named("Cache-Control"), std::vector<std::string>{"public, max-age=300"}) << jwks;
}

TEST_F(Auth, MeAnswersWithTheTokensUserAndRefusesWithoutOne) {
  auto session = login_session(api(), "admin", admin_password);
  auto me = api().get("/api/v1/me", session.access_token);
  ASSERT_EQ(me.status, 200) << me;
  auto body = json::parse(me.body).as_object();
  EXPECT_EQ(body.at("username"), "admin");
  EXPECT_EQ(str(body.at("id")), session.user_id);

  auto anonymous = api().get("/api/v1/me");
  EXPECT_EQ(anonymous.status, 401) << anonymous;
  EXPECT_EQ(anonymous.header("Content-Type"), "application/problem+json");
  EXPECT_TRUE(anonymous.header("WWW-Authenticate")) << anonymous;
  EXPECT_EQ(str(json::parse(anonymous.body).at("type")), problem_base + "unauthorized");
}

TEST_F(Auth, RefreshRotatesTheCookieAndReusingTheOldOneRevokesTheFamily) {
  auto session = login_session(api(), "admin", admin_password);
  ASSERT_FALSE(session.refresh_cookie.empty());

  auto rotated = refresh_with(api(), session.refresh_cookie);
  ASSERT_EQ(rotated.status, 200) << rotated;
  auto second_cookie = set_cookie_value(rotated, "ms_refresh");
  ASSERT_TRUE(second_cookie) << rotated;
  EXPECT_NE(*second_cookie, session.refresh_cookie);
  std::string new_token(json::parse(rotated.body).at("access_token").as_string());
  EXPECT_EQ(api().get("/api/v1/me", new_token).status, 200);

  auto reused = refresh_with(api(), session.refresh_cookie);
  EXPECT_EQ(reused.status, 401) << reused;
  EXPECT_EQ(reused.header("Content-Type"), "application/problem+json");
  auto cleared = set_cookie_header(reused, "ms_refresh");
  ASSERT_TRUE(cleared) << reused;
  EXPECT_EQ(cleared->rfind("ms_refresh=;", 0), 0u) << *cleared;
  EXPECT_NE(cleared->find("Max-Age=0"), std::string::npos) << *cleared;

  // The reuse ended the whole login: the newer cookie is dead as well.
  auto after_reuse = refresh_with(api(), *second_cookie);
  EXPECT_EQ(after_reuse.status, 401) << after_reuse;
}

TEST_F(Auth, RefreshWithoutOrWithJunkCookieIs401) {
  auto none = api().send({"POST", "/api/v1/auth/refresh"});
  EXPECT_EQ(none.status, 401) << none;
  auto junk = refresh_with(api(), "not-a-real-refresh-token");
  EXPECT_EQ(junk.status, 401) << junk;
}

TEST_F(Auth, LogoutClearsTheCookieAndEndsTheSession) {
  auto session = login_session(api(), "admin", admin_password);
  auto out = api().send({"POST", "/api/v1/auth/logout", {{"Cookie", "ms_refresh=" + session.refresh_cookie}}});
  ASSERT_EQ(out.status, 204) << out;
  EXPECT_TRUE(out.body.empty());
  auto cleared = set_cookie_header(out, "ms_refresh");
  ASSERT_TRUE(cleared) << out;
  EXPECT_EQ(cleared->rfind("ms_refresh=;", 0), 0u) << *cleared;
  EXPECT_NE(cleared->find("Max-Age=0"), std::string::npos) << *cleared;
  EXPECT_NE(cleared->find("Path=/api/v1/auth"), std::string::npos) << *cleared;

  auto after = refresh_with(api(), session.refresh_cookie);
  EXPECT_EQ(after.status, 401) << after;
}

TEST_F(Auth, WrongPasswordAndUnknownUserGetIdenticalAnswers) {
  auto wrong = api().post_json("/api/v1/auth/login", login_body("admin", "not-the-password"));
  auto unknown = api().post_json("/api/v1/auth/login", login_body("nobody-here", "not-the-password"));
  ASSERT_EQ(wrong.status, 401) << wrong;
  ASSERT_EQ(unknown.status, 401) << unknown;
  auto without_id = [](const http_response& r) {
    return replace_all(r.body, r.header("X-Request-Id").value_or("<no id>"), "<request id>");
  };
  EXPECT_EQ(without_id(wrong), without_id(unknown));
  EXPECT_NE(without_id(wrong).find("<request id>"), std::string::npos) << wrong;
  EXPECT_EQ(wrong.header("Content-Type"), unknown.header("Content-Type"));
  EXPECT_EQ(wrong.header("WWW-Authenticate"), unknown.header("WWW-Authenticate"));
  EXPECT_FALSE(set_cookie_header(wrong, "ms_refresh"));
}

TEST_F(Auth, ShortNewPasswordIs422OnTheNewPasswordField) {
  std::string token = login(api(), "admin", admin_password);
  auto r = api().post_json(
      "/api/v1/me/password",
      json::serialize(json::object{{"current_password", admin_password}, {"new_password", "short"}}), token);
  ASSERT_EQ(r.status, 422) << r;
  EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(str(body.at("type")), problem_base + "validation");
  ASSERT_TRUE(body.at("errors").is_array()) << r;
  bool named = false;
  for (const auto& e : body.at("errors").as_array()) named = named || e.at("field") == "new_password";
  EXPECT_TRUE(named) << r;
  // Nothing changed: the old password still works.
  EXPECT_NO_THROW(login(api(), "admin", admin_password));
}

TEST_F(Auth, WrongCurrentPasswordIs422OnTheCurrentPasswordField) {
  std::string token = login(api(), "admin", admin_password);
  auto r = api().post_json(
      "/api/v1/me/password",
      json::serialize(json::object{{"current_password", "definitely-wrong"}, {"new_password", "a-long-new-password"}}),
      token);
  ASSERT_EQ(r.status, 422) << r;
  EXPECT_EQ(json::parse(r.body).at("errors").at(0).at("field"), "current_password") << r;
  EXPECT_NO_THROW(login(api(), "admin", admin_password));
}

TEST_F(Auth, PasswordChangeEndsTheOtherSessions) {
  std::string admin_token = login(api(), "admin", admin_password);
  create_user(api(), admin_token, "changer", "technician", "first-password");
  auto here = login_session(api(), "changer", "first-password");
  auto elsewhere = login_session(api(), "changer", "first-password");

  auto r = api().post_json(
      "/api/v1/me/password",
      json::serialize(json::object{{"current_password", "first-password"}, {"new_password", "second-password"}}),
      here.access_token);
  ASSERT_EQ(r.status, 204) << r;
  auto other_refresh = refresh_with(api(), elsewhere.refresh_cookie);
  EXPECT_EQ(other_refresh.status, 401) << other_refresh;
  auto old_password = api().post_json("/api/v1/auth/login", login_body("changer", "first-password"));
  EXPECT_EQ(old_password.status, 401) << old_password;
  EXPECT_NO_THROW(login(api(), "changer", "second-password"));
}

// Its own server: the failures it provokes must not slow down other suites' logins.
TEST(AuthThrottle, FiveFailuresForOneUserThenLoginIs429WithRetryAfter) {
  server_process server;
  api_client api(server.port());
  create_user(api, login(api, "admin", admin_password), "bystander", "viewer", "onlooker-secret-77");
  for (int i = 0; i < 5; ++i) {
    auto r = api.post_json("/api/v1/auth/login", login_body("admin", "wrong-password-" + std::to_string(i)));
    ASSERT_EQ(r.status, 401) << "attempt " << i << r;
  }
  // Even the right password is refused while the account cools down.
  auto limited = api.post_json("/api/v1/auth/login", login_body("admin", admin_password));
  ASSERT_EQ(limited.status, 429) << limited;
  EXPECT_EQ(limited.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(str(json::parse(limited.body).at("type")), problem_base + "rate-limited") << limited;
  auto retry_after = limited.header("Retry-After");
  ASSERT_TRUE(retry_after) << limited;
  int wait_s = std::stoi(*retry_after);
  EXPECT_GE(wait_s, 1);
  EXPECT_LE(wait_s, 900);
  EXPECT_FALSE(set_cookie_header(limited, "ms_refresh"));

  // Another account from the same address is not locked out by this one's failures, and after
  // Retry-After seconds the right password works again.
  EXPECT_NO_THROW(login(api, "bystander", "onlooker-secret-77"));
  std::this_thread::sleep_for(std::chrono::seconds(wait_s));
  EXPECT_NO_THROW(login(api, "admin", admin_password));
  EXPECT_EQ(server.stop(), 0) << server.log_tail();
}

}  // namespace
}  // namespace mothership::integration
