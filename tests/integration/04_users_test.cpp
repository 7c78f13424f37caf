// 04 Users API: create, conflicts, validation, role changes, disabling, the last-admin rule,
// delete, paging and access control.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <set>

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

std::set<std::string> error_fields(const http_response& r) {
  std::set<std::string> out;
  auto body = json::parse(r.body).as_object();
  if (auto* errors = body.if_contains("errors"))
    for (const auto& e : errors->as_array()) out.insert(std::string(e.at("field").as_string()));
  return out;
}

class Users : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<server_process>();
    auto session = login_session(api_client(server_->port()), "admin", admin_password);
    admin_token_ = session.access_token;
    admin_id_ = session.user_id;
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->stop(), 0) << server_->log_tail();
    server_.reset();
  }

  api_client api() const { return api_client(server_->port()); }

  http_response create(const json::object& body) const {
    return api().post_json("/api/v1/users", json::serialize(body), admin_token_);
  }

  json::object get_user(const std::string& id) const {
    auto r = api().get("/api/v1/users/" + id, admin_token_);
    EXPECT_EQ(r.status, 200) << r;
    return json::parse(r.body).as_object();
  }

  std::vector<std::string> all_user_ids() const {
    auto r = api().get("/api/v1/users?limit=200", admin_token_);
    EXPECT_EQ(r.status, 200) << r;
    std::vector<std::string> ids;
    json::value body = json::parse(r.body);
    for (const auto& u : body.at("items").as_array()) ids.emplace_back(u.at("id").as_string());
    return ids;
  }

  static std::unique_ptr<server_process> server_;
  static std::string admin_token_;
  static std::string admin_id_;
};
std::unique_ptr<server_process> Users::server_;
std::string Users::admin_token_;
std::string Users::admin_id_;

TEST_F(Users, CreateTechnicianAndViewerAnswer201WithLocation) {
  for (const char* role : {"technician", "viewer"}) {
    std::string username = std::string("new-") + role;
    auto r = create({{"username", username},
                     {"display_name", "New " + std::string(role)},
                     {"role", role},
                     {"password", "a-good-password"}});
    ASSERT_EQ(r.status, 201) << r;
    auto body = json::parse(r.body).as_object();
    std::string id(body.at("id").as_string());
    EXPECT_EQ(r.header("Location"), "/api/v1/users/" + id) << r;
    EXPECT_EQ(str(body.at("username")), username);
    EXPECT_EQ(body.at("role"), role);
    EXPECT_EQ(body.at("disabled"), false);
    EXPECT_FALSE(body.contains("password"));
    EXPECT_FALSE(body.contains("password_hash"));

    auto fetched = api().get(*r.header("Location"), admin_token_);
    ASSERT_EQ(fetched.status, 200) << fetched;
    EXPECT_EQ(json::parse(fetched.body), json::value(body));
    EXPECT_NO_THROW(login(api(), username, "a-good-password"));
  }
}

TEST_F(Users, DuplicateUsernameIs409) {
  ASSERT_EQ(create({{"username", "dup-user"}, {"role", "viewer"}, {"password", "a-good-password"}}).status, 201);
  auto before = all_user_ids();
  auto again = create({{"username", "dup-user"}, {"role", "technician"}, {"password", "another-password"}});
  EXPECT_EQ(again.status, 409) << again;
  EXPECT_EQ(again.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(str(json::parse(again.body).at("type")), problem_base + "conflict");
  EXPECT_EQ(all_user_ids(), before);
  // The first user's password was not replaced.
  EXPECT_NO_THROW(login(api(), "dup-user", "a-good-password"));
}

TEST_F(Users, InvalidFieldsAre422ListingEachField) {
  auto before = all_user_ids();
  auto r = create({{"username", "Bad Name!"}, {"role", "superuser"}});
  ASSERT_EQ(r.status, 422) << r;
  EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(str(json::parse(r.body).at("type")), problem_base + "validation");
  EXPECT_EQ(error_fields(r), (std::set<std::string>{"username", "role", "password"})) << r;

  auto short_password = create({{"username", "fine-name"}, {"role", "viewer"}, {"password", "short"}});
  EXPECT_EQ(short_password.status, 422) << short_password;
  EXPECT_EQ(error_fields(short_password), std::set<std::string>{"password"}) << short_password;

  auto missing_all = create({});
  EXPECT_EQ(missing_all.status, 422) << missing_all;
  EXPECT_EQ(error_fields(missing_all), (std::set<std::string>{"username", "role", "password"})) << missing_all;

  for (const char* bad : {"a", "-leading-dash", "UPPER", "white space", "semi;colon"}) {
    auto named = create({{"username", bad}, {"role", "viewer"}, {"password", "a-good-password"}});
    EXPECT_EQ(named.status, 422) << bad << named;
    EXPECT_EQ(error_fields(named), std::set<std::string>{"username"}) << bad << named;
  }
  EXPECT_EQ(all_user_ids(), before);
}

TEST_F(Users, PatchChangesTheRole) {
  std::string id = create_user(api(), admin_token_, "role-changer", "viewer", "a-good-password");
  auto r = api().patch_json("/api/v1/users/" + id, R"({"role":"technician"})", admin_token_);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(json::parse(r.body).at("role"), "technician");
  EXPECT_EQ(get_user(id).at("role"), "technician");

  // The new role applies to the user's next login.
  auto session = login_session(api(), "role-changer", "a-good-password");
  auto me = api().get("/api/v1/me", session.access_token);
  EXPECT_EQ(json::parse(me.body).at("role"), "technician") << me;

  auto bad = api().patch_json("/api/v1/users/" + id, R"({"role":"root"})", admin_token_);
  EXPECT_EQ(bad.status, 422) << bad;
  EXPECT_EQ(get_user(id).at("role"), "technician");
}

TEST_F(Users, DisablingAUserEndsTheirAccessTokenAtOnce) {
  std::string id = create_user(api(), admin_token_, "soon-disabled", "technician", "a-good-password");
  auto session = login_session(api(), "soon-disabled", "a-good-password");
  ASSERT_EQ(api().get("/api/v1/me", session.access_token).status, 200);

  auto r = api().patch_json("/api/v1/users/" + id, R"({"disabled":true})", admin_token_);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(json::parse(r.body).at("disabled"), true);

  auto me = api().get("/api/v1/me", session.access_token);
  EXPECT_EQ(me.status, 401) << me;
  auto refreshed = api().send({"POST", "/api/v1/auth/refresh", {{"Cookie", "ms_refresh=" + session.refresh_cookie}}});
  EXPECT_EQ(refreshed.status, 401) << refreshed;
  auto relogin = api().post_json("/api/v1/auth/login", login_body("soon-disabled", "a-good-password"));
  EXPECT_EQ(relogin.status, 401) << relogin;

  // Enabled again, the user can log in again (the old token stays dead only while disabled).
  ASSERT_EQ(api().patch_json("/api/v1/users/" + id, R"({"disabled":false})", admin_token_).status, 200);
  EXPECT_NO_THROW(login(api(), "soon-disabled", "a-good-password"));
}

TEST_F(Users, PasswordResetByAnAdminEndsTheUsersSessions) {
  std::string id = create_user(api(), admin_token_, "forgetful", "technician", "a-good-password");
  auto session = login_session(api(), "forgetful", "a-good-password");
  auto r = api().patch_json("/api/v1/users/" + id, R"({"password":"a-brand-new-password"})", admin_token_);
  ASSERT_EQ(r.status, 200) << r;
  auto refreshed = api().send({"POST", "/api/v1/auth/refresh", {{"Cookie", "ms_refresh=" + session.refresh_cookie}}});
  EXPECT_EQ(refreshed.status, 401) << refreshed;
  EXPECT_EQ(api().post_json("/api/v1/auth/login", login_body("forgetful", "a-good-password")).status, 401);
  EXPECT_NO_THROW(login(api(), "forgetful", "a-brand-new-password"));
}

TEST_F(Users, TheLastAdminCannotBeDeletedDisabledOrDemoted) {
  auto before = get_user(admin_id_);
  auto removed = api().del("/api/v1/users/" + admin_id_, admin_token_);
  EXPECT_EQ(removed.status, 409) << removed;
  EXPECT_EQ(str(json::parse(removed.body).at("type")), problem_base + "conflict");
  auto disabled = api().patch_json("/api/v1/users/" + admin_id_, R"({"disabled":true})", admin_token_);
  EXPECT_EQ(disabled.status, 409) << disabled;
  auto demoted = api().patch_json("/api/v1/users/" + admin_id_, R"({"role":"viewer"})", admin_token_);
  EXPECT_EQ(demoted.status, 409) << demoted;
  auto both = api().patch_json("/api/v1/users/" + admin_id_, R"({"role":"technician","disabled":true})", admin_token_);
  EXPECT_EQ(both.status, 409) << both;

  EXPECT_EQ(get_user(admin_id_), before);
  EXPECT_EQ(api().get("/api/v1/me", admin_token_).status, 200);
}

TEST_F(Users, RoleChangesApplyToExistingTokensAtOnce) {
  std::string id = create_user(api(), admin_token_, "rising-star", "viewer", "a-good-password");
  std::string token = login(api(), "rising-star", "a-good-password");
  ASSERT_EQ(api().get("/api/v1/users", token).status, 403);
  ASSERT_EQ(api().patch_json("/api/v1/users/" + id, R"({"role":"admin"})", admin_token_).status, 200);
  EXPECT_EQ(api().get("/api/v1/users", token).status, 200);
  // Demoted again (two admins exist, so this is allowed), the same token loses the right at once.
  ASSERT_EQ(api().patch_json("/api/v1/users/" + id, R"({"role":"viewer"})", admin_token_).status, 200);
  auto after = api().get("/api/v1/users", token);
  EXPECT_EQ(after.status, 403) << after;
}

TEST_F(Users, DeleteAnswers204ThenTheUserIsGone) {
  std::string id = create_user(api(), admin_token_, "short-lived", "viewer", "a-good-password");
  auto session = login_session(api(), "short-lived", "a-good-password");
  auto r = api().del("/api/v1/users/" + id, admin_token_);
  ASSERT_EQ(r.status, 204) << r;
  EXPECT_TRUE(r.body.empty());
  auto gone = api().get("/api/v1/users/" + id, admin_token_);
  EXPECT_EQ(gone.status, 404) << gone;
  EXPECT_EQ(gone.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(api().del("/api/v1/users/" + id, admin_token_).status, 404);
  EXPECT_EQ(api().patch_json("/api/v1/users/" + id, R"({"role":"viewer"})", admin_token_).status, 404);
  EXPECT_EQ(api().get("/api/v1/me", session.access_token).status, 401);
  EXPECT_EQ(api().post_json("/api/v1/auth/login", login_body("short-lived", "a-good-password")).status, 401);
}

TEST_F(Users, ListPagingWithLimitOneFollowsNextCursorToTheEnd) {
  for (const char* name : {"pager-a", "pager-b", "pager-c"})
    create_user(api(), admin_token_, name, "viewer", "a-good-password");
  auto everyone = all_user_ids();
  ASSERT_GE(everyone.size(), 4u);

  std::vector<std::string> paged;
  std::string target = "/api/v1/users?limit=1";
  for (std::size_t pages = 0; pages <= everyone.size() + 1; ++pages) {
    auto r = api().get(target, admin_token_);
    ASSERT_EQ(r.status, 200) << r;
    auto body = json::parse(r.body).as_object();
    const auto& items = body.at("items").as_array();
    ASSERT_LE(items.size(), 1u) << r;
    for (const auto& u : items) paged.emplace_back(u.at("id").as_string());
    if (body.at("next_cursor").is_null()) break;
    target = "/api/v1/users?limit=1&cursor=" + url_encode(body.at("next_cursor").as_string());
  }
  EXPECT_EQ(paged, everyone);

  auto bad_limit = api().get("/api/v1/users?limit=0", admin_token_);
  EXPECT_EQ(bad_limit.status, 422) << bad_limit;
  EXPECT_EQ(error_fields(bad_limit), std::set<std::string>{"limit"});
  auto bad_cursor = api().get("/api/v1/users?cursor=%%%", admin_token_);
  EXPECT_EQ(bad_cursor.status / 100, 4) << bad_cursor;
}

TEST_F(Users, ViewerAndTechnicianGet403OnTheUserList) {
  create_user(api(), admin_token_, "plain-viewer", "viewer", "a-good-password");
  create_user(api(), admin_token_, "plain-tech", "technician", "a-good-password");
  for (const char* name : {"plain-viewer", "plain-tech"}) {
    std::string token = login(api(), name, "a-good-password");
    auto r = api().get("/api/v1/users", token);
    EXPECT_EQ(r.status, 403) << name << r;
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json") << name;
    EXPECT_EQ(str(json::parse(r.body).at("type")), problem_base + "forbidden") << name;
    auto create_attempt =
        api().post_json("/api/v1/users", R"({"username":"sneaky","role":"admin","password":"a-good-password"})", token);
    EXPECT_EQ(create_attempt.status, 403) << name << create_attempt;
  }
  auto ids = all_user_ids();
  for (const auto& id : ids) EXPECT_NE(get_user(id).at("username"), "sneaky");
}

}  // namespace
}  // namespace mothership::integration
