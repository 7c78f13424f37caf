#include "auth/session_service.hpp"

#include <boost/json/serialize.hpp>

#include "auth_fixture.hpp"

using namespace mothership;
using namespace mothership::auth;
using mothership::auth::testing::auth_fixture;

using session_service_test = auth_fixture;

TEST_F(session_service_test, login_gives_tokens_that_authenticate) {
  int wait = 0;
  auto s = sessions_->login("admin", admin_password, "10.0.0.1", wait);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->expires_in, 900);
  auto who = sessions_->authenticate(s->access_token);
  ASSERT_TRUE(who);
  EXPECT_EQ(who->id, admin_id_);
}

TEST_F(session_service_test, unknown_user_and_wrong_password_fail_alike_and_are_audited) {
  int wait = 0;
  auto unknown = sessions_->login("nobody", "whatever-pass", "10.0.0.1", wait);
  auto wrong = sessions_->login("admin", "wrong-password", "10.0.0.1", wait);
  EXPECT_EQ(unknown.error(), wrong.error());
  EXPECT_EQ(unknown.error(), make_error_code(errc::invalid_credentials));
  auto failures = audit_->find({.action = "auth.login", .result = audit::outcome::failure});
  ASSERT_EQ(failures.items.size(), 2u);
  EXPECT_EQ(failures.items[0].what.details["reason"].as_string(), "bad_password");
  EXPECT_EQ(failures.items[1].what.details["reason"].as_string(), "unknown_user");
  for (const auto& e : failures.items)
    EXPECT_EQ(boost::json::serialize(e.what.details).find("password\":"), std::string::npos);
}

TEST_F(session_service_test, repeated_failures_are_throttled) {
  int wait = 0;
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(sessions_->login("admin", "wrong-password", "10.0.0.1", wait));
  auto r = sessions_->login("admin", admin_password, "10.0.0.2", wait);
  EXPECT_EQ(r.error(), make_error_code(errc::throttled));
  EXPECT_GT(wait, 0);
}

TEST_F(session_service_test, refresh_rotates_and_reuse_revokes_the_family) {
  int wait = 0;
  auto s = sessions_->login("admin", admin_password, "ip", wait);
  auto r1 = sessions_->refresh(s->refresh_token, "ip");
  ASSERT_TRUE(r1);
  EXPECT_NE(r1->refresh_token, s->refresh_token);
  // The old token again: theft is assumed, the whole family dies, including r1's token.
  EXPECT_EQ(sessions_->refresh(s->refresh_token, "ip").error(), make_error_code(errc::refresh_reused));
  EXPECT_EQ(sessions_->refresh(r1->refresh_token, "ip").error(), make_error_code(errc::refresh_invalid));
  EXPECT_EQ(audit_->find({.action = "auth.refresh_reuse"}).items.size(), 1u);
}

TEST_F(session_service_test, logout_ends_the_refresh_family) {
  int wait = 0;
  auto s = sessions_->login("admin", admin_password, "ip", wait);
  sessions_->logout(s->refresh_token, s->access_token, "ip");
  EXPECT_FALSE(sessions_->refresh(s->refresh_token, "ip"));
}

TEST_F(session_service_test, logout_revokes_its_access_token_and_not_the_others) {
  int wait = 0;
  auto here = sessions_->login("admin", admin_password, "ip", wait);
  auto elsewhere = sessions_->login("admin", admin_password, "ip", wait);
  sessions_->logout(here->refresh_token, here->access_token, "ip");
  EXPECT_EQ(sessions_->authenticate(here->access_token).error(), make_error_code(errc::token_revoked));
  EXPECT_TRUE(sessions_->authenticate(elsewhere->access_token));
  // The deny list is in the database too: a restart does not bring the token back.
  revoked_tokens reloaded(*db_, common::now_ms() / 1000);
  EXPECT_EQ(reloaded.size(), 1u);
}

TEST_F(session_service_test, logout_without_the_cookie_still_revokes_the_access_token) {
  int wait = 0;
  auto s = sessions_->login("admin", admin_password, "ip", wait);
  sessions_->logout("", s->access_token, "ip");
  EXPECT_EQ(sessions_->authenticate(s->access_token).error(), make_error_code(errc::token_revoked));
  EXPECT_TRUE(sessions_->refresh(s->refresh_token, "ip"));  // the cookie's login is another matter
}

TEST_F(session_service_test, password_change_and_reset_revoke_every_earlier_token) {
  auto u = users_->create(by_admin(), {"tech", "Tech", role::technician, "wrench-secret-1"});
  int wait = 0;
  auto first = sessions_->login("tech", "wrench-secret-1", "ip", wait);
  ASSERT_TRUE(sessions_->change_password(u->id, "wrench-secret-1", "wrench-secret-2", "ip", wait));
  EXPECT_EQ(sessions_->authenticate(first->access_token).error(), make_error_code(errc::token_revoked));
  auto second = sessions_->login("tech", "wrench-secret-2", "ip", wait);
  ASSERT_TRUE(sessions_->authenticate(second->access_token));
  ASSERT_TRUE(users_->update(by_admin(), u->id, {.password = std::string("wrench-secret-3")}));
  EXPECT_EQ(sessions_->authenticate(second->access_token).error(), make_error_code(errc::token_revoked));
}

TEST_F(session_service_test, re_enabling_a_user_does_not_bring_old_tokens_back) {
  auto u = users_->create(by_admin(), {"tech", "Tech", role::technician, "wrench-secret-1"});
  int wait = 0;
  auto s = sessions_->login("tech", "wrench-secret-1", "ip", wait);
  ASSERT_TRUE(users_->update(by_admin(), u->id, {.disabled = true}));
  ASSERT_TRUE(users_->update(by_admin(), u->id, {.disabled = false}));
  EXPECT_EQ(sessions_->authenticate(s->access_token).error(), make_error_code(errc::token_revoked));
  EXPECT_TRUE(sessions_->login("tech", "wrench-secret-1", "ip", wait));
}

TEST_F(session_service_test, disabled_user_is_refused_at_once) {
  auto u = users_->create(by_admin(), {"tech", "Tech", role::technician, "wrench-secret-1"});
  int wait = 0;
  auto s = sessions_->login("tech", "wrench-secret-1", "ip", wait);
  ASSERT_TRUE(sessions_->authenticate(s->access_token));
  ASSERT_TRUE(users_->update(by_admin(), u->id, {.disabled = true}));
  EXPECT_EQ(sessions_->authenticate(s->access_token).error(), make_error_code(errc::user_disabled));
  EXPECT_FALSE(sessions_->refresh(s->refresh_token, "ip"));
  EXPECT_FALSE(sessions_->login("tech", "wrench-secret-1", "ip", wait));
}

TEST_F(session_service_test, role_change_applies_to_existing_tokens) {
  auto u = users_->create(by_admin(), {"tech", "Tech", role::technician, "wrench-secret-1"});
  int wait = 0;
  auto s = sessions_->login("tech", "wrench-secret-1", "ip", wait);
  ASSERT_TRUE(users_->update(by_admin(), u->id, {.user_role = role::viewer}));
  EXPECT_EQ(sessions_->authenticate(s->access_token)->user_role, role::viewer);
}

TEST_F(session_service_test, password_change_checks_the_current_one) {
  int wait = 0;
  EXPECT_EQ(sessions_->change_password(admin_id_, "wrong", "new-password-123", "ip", wait).error(),
            make_error_code(errc::wrong_current_password));
  ASSERT_TRUE(sessions_->change_password(admin_id_, admin_password, "new-password-123", "ip", wait));
  EXPECT_TRUE(sessions_->login("admin", "new-password-123", "ip", wait));
}

// The review's finding: 38 wrong guesses in a row, never a 429, and none of them slowed a login.
TEST_F(session_service_test, wrong_current_passwords_are_throttled_with_logins) {
  int wait = 0;
  for (int i = 0; i < 3; ++i)  // the fixture's throttle lets three failures go free
    EXPECT_EQ(sessions_->change_password(admin_id_, "wrong", "new-password-123", "ip", wait).error(),
              make_error_code(errc::wrong_current_password));
  EXPECT_EQ(sessions_->change_password(admin_id_, "wrong", "new-password-123", "ip", wait).error(),
            make_error_code(errc::throttled));
  EXPECT_GT(wait, 0);
  // Even the right password waits now, and so does a login to the account.
  EXPECT_EQ(sessions_->change_password(admin_id_, admin_password, "new-password-123", "ip", wait).error(),
            make_error_code(errc::throttled));
  EXPECT_EQ(sessions_->login("admin", admin_password, "other-ip", wait).error(), make_error_code(errc::throttled));
  EXPECT_EQ(audit_->find({.action = "auth.password_change"}).items.size(), 5u);
}
