// 05 Audit log over HTTP (what is recorded, filters, paging) and the operator commands
// `mothership audit verify` and `mothership backup` against a database tampered with sqlite3.
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
namespace fs = std::filesystem;

const char* wrong_password = "wrong-password-SECRET-4711";

std::set<std::string> error_fields(const http_response& r) {
  std::set<std::string> out;
  json::value body = json::parse(r.body);
  if (auto* errors = body.as_object().if_contains("errors"))
    for (const auto& e : errors->as_array()) out.insert(std::string(e.at("field").as_string()));
  return out;
}

std::string text(const json::value& v, const char* key) {
  return std::string(v.at(key).as_string());
}

class Audit : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<server_process>();
    api_client api(server_->port());
    auto admin = login_session(api, "admin", admin_password);
    admin_token_ = admin.access_token;
    admin_id_ = admin.user_id;
    expect_status(api.post_json("/api/v1/auth/login", login_body("admin", wrong_password)), 401);
    expect_status(api.post_json("/api/v1/auth/login", login_body("ghost", wrong_password)), 401);

    tech_id_ = create_user(api, admin_token_, "aud-tech", "technician", "a-good-password");
    viewer_id_ = create_user(api, admin_token_, "aud-viewer", "viewer", "a-good-password");
    promoted_id_ = create_user(api, admin_token_, "aud-promoted", "viewer", "a-good-password");
    expect_status(api.patch_json("/api/v1/users/" + promoted_id_, R"({"role":"technician"})", admin_token_), 200);

    std::string tech_token = login(api, "aud-tech", "a-good-password");
    viewer_token_ = login(api, "aud-viewer", "a-good-password");
    expect_status(api.get("/api/v1/users", tech_token), 403);
    expect_status(api.get("/api/v1/audit", tech_token), 403);
    expect_status(api.get("/api/v1/users", viewer_token_), 403);
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->stop(), 0) << server_->log_tail();
    server_.reset();
  }
  static void expect_status(const http_response& r, int status) { EXPECT_EQ(r.status, status) << r; }

  api_client api() const { return api_client(server_->port()); }

  // GET /api/v1/audit?<query> as admin; expects 200 and returns the items.
  json::array items(const std::string& query) const {
    auto r = api().get("/api/v1/audit?" + query, admin_token_);
    EXPECT_EQ(r.status, 200) << query << r;
    if (r.status != 200) return {};
    return json::parse(r.body).at("items").as_array();
  }

  static std::unique_ptr<server_process> server_;
  static std::string admin_token_, admin_id_, viewer_token_, tech_id_, viewer_id_, promoted_id_;
};
std::unique_ptr<server_process> Audit::server_;
std::string Audit::admin_token_, Audit::admin_id_, Audit::viewer_token_, Audit::tech_id_, Audit::viewer_id_,
    Audit::promoted_id_;

TEST_F(Audit, RecordsLoginSuccessAndFailureWithoutThePassword) {
  auto logins = items("action=auth.login&limit=500");
  bool success = false, bad_password = false, unknown_user = false;
  for (const auto& e : logins) {
    EXPECT_EQ(e.at("action"), "auth.login");
    const auto& details = e.at("details").as_object();
    if (e.at("result") == "success" && str(e.at("actor_id")) == admin_id_) success = true;
    if (e.at("result") == "failure" && details.contains("reason") && details.at("reason") == "bad_password") {
      bad_password = true;
      EXPECT_EQ(details.at("username"), "admin");
      EXPECT_EQ(str(e.at("target_id")), admin_id_);
      EXPECT_EQ(e.at("source"), "127.0.0.1");
    }
    if (e.at("result") == "failure" && details.contains("reason") && details.at("reason") == "unknown_user") {
      unknown_user = true;
      EXPECT_EQ(details.at("username"), "ghost");
    }
  }
  EXPECT_TRUE(success) << json::serialize(logins);
  EXPECT_TRUE(bad_password) << json::serialize(logins);
  EXPECT_TRUE(unknown_user) << json::serialize(logins);

  auto everything = api().get("/api/v1/audit?limit=500", admin_token_);
  ASSERT_EQ(everything.status, 200) << everything;
  EXPECT_EQ(everything.body.find(wrong_password), std::string::npos) << "the audit log holds a tried password";
  EXPECT_EQ(everything.body.find(admin_password), std::string::npos) << "the audit log holds the admin password";
  EXPECT_EQ(everything.body.find("a-good-password"), std::string::npos) << "the audit log holds a user's password";
  EXPECT_EQ(everything.body.find("$argon2"), std::string::npos) << "the audit log holds a password hash";
}

TEST_F(Audit, RecordsUserCreateRoleChangeAndAccessDenied) {
  bool created = false;
  for (const auto& e : items("action=user.create")) {
    if (str(e.at("target_id")) != tech_id_) continue;
    created = true;
    EXPECT_EQ(e.at("actor_type"), "user");
    EXPECT_EQ(str(e.at("actor_id")), admin_id_);
    EXPECT_EQ(e.at("target_type"), "user");
    EXPECT_EQ(e.at("result"), "success");
    EXPECT_EQ(e.at("details").at("username"), "aud-tech");
    EXPECT_EQ(e.at("details").at("role"), "technician");
  }
  EXPECT_TRUE(created);

  auto changes = items("action=user.role_change");
  ASSERT_EQ(changes.size(), 1u) << json::serialize(changes);
  EXPECT_EQ(str(changes[0].at("target_id")), promoted_id_);
  EXPECT_EQ(str(changes[0].at("actor_id")), admin_id_);
  EXPECT_EQ(changes[0].at("details").at("from"), "viewer");
  EXPECT_EQ(changes[0].at("details").at("to"), "technician");

  auto denied = items("action=access.denied");
  ASSERT_EQ(denied.size(), 3u) << json::serialize(denied);
  std::set<std::pair<std::string, std::string>> who_what;
  for (const auto& e : denied) {
    EXPECT_EQ(e.at("result"), "denied");
    EXPECT_EQ(e.at("actor_type"), "user");
    EXPECT_EQ(e.at("target_type"), "route");
    who_what.emplace(text(e, "actor_id"), text(e.at("details"), "permission"));
  }
  EXPECT_EQ(who_what, (std::set<std::pair<std::string, std::string>>{
                          {tech_id_, "users.manage"}, {tech_id_, "audit.read"}, {viewer_id_, "users.manage"}}));
  bool path_recorded = false;
  for (const auto& e : denied)
    path_recorded =
        path_recorded || (e.at("target_id") == "GET /api/v1/users" && e.at("details").at("path") == "/api/v1/users");
  EXPECT_TRUE(path_recorded) << json::serialize(denied);
}

TEST_F(Audit, FiltersByActionResultActorAndTarget) {
  auto all = items("limit=500");
  ASSERT_GE(all.size(), 10u);

  auto failures = items("result=failure&limit=500");
  EXPECT_EQ(failures.size(), 2u) << json::serialize(failures);
  for (const auto& e : failures) EXPECT_EQ(e.at("result"), "failure");

  for (const auto& e : items("result=denied&limit=500")) EXPECT_EQ(e.at("result"), "denied");
  EXPECT_EQ(items("result=denied&limit=500").size(), 3u);

  auto by_viewer = items("actor_id=" + viewer_id_ + "&limit=500");
  ASSERT_FALSE(by_viewer.empty());
  for (const auto& e : by_viewer) EXPECT_EQ(str(e.at("actor_id")), viewer_id_);

  auto admin_logins = items("action=auth.login&result=success&actor_id=" + admin_id_);
  ASSERT_EQ(admin_logins.size(), 1u) << json::serialize(admin_logins);

  auto about_tech = items("target_type=user&target_id=" + tech_id_);
  ASSERT_FALSE(about_tech.empty());
  for (const auto& e : about_tech) EXPECT_EQ(str(e.at("target_id")), tech_id_);

  auto system = items("actor_type=system");
  ASSERT_EQ(system.size(), 1u) << json::serialize(system);  // the first admin
  EXPECT_EQ(system[0].at("action"), "user.create");

  EXPECT_TRUE(items("action=no.such.action").empty());
}

TEST_F(Audit, FiltersBySinceAndUntil) {
  auto all = items("limit=500");
  ASSERT_GE(all.size(), 5u);
  EXPECT_TRUE(items("since=2999-01-01T00:00:00Z").empty());
  EXPECT_TRUE(items("until=2000-01-01T00:00:00Z").empty());
  EXPECT_EQ(items("since=2000-01-01T00:00:00Z&until=2999-01-01T00:00:00Z&limit=500"), all);

  // Cut at the time of an entry in the middle: since and until both include it.
  const auto& middle = all[all.size() / 2];
  std::string t = text(middle, "time");
  auto newer = items("since=" + url_encode(t) + "&limit=500");
  auto older = items("until=" + url_encode(t) + "&limit=500");
  auto contains_middle = [&](const json::array& list) {
    for (const auto& e : list)
      if (e.at("id") == middle.at("id")) return true;
    return false;
  };
  EXPECT_TRUE(contains_middle(newer));
  EXPECT_TRUE(contains_middle(older));
  for (const auto& e : newer) EXPECT_GE(text(e, "time"), t);  // same format: text order is time order
  for (const auto& e : older) EXPECT_LE(text(e, "time"), t);
  EXPECT_GE(newer.size() + older.size(), all.size() + 1);

  // The same instant with an explicit offset ('+' percent-encoded, as in any query string).
  std::string with_offset = t.substr(0, t.size() - 1) + "%2B00:00";
  EXPECT_EQ(items("since=" + with_offset + "&limit=500"), newer);
}

TEST_F(Audit, LimitTwoPagesWithNextCursorThroughEverything) {
  auto all = items("limit=500");
  std::vector<std::int64_t> expected;
  for (const auto& e : all) expected.push_back(e.at("id").as_int64());

  std::vector<std::int64_t> paged;
  std::string query = "limit=2";
  for (std::size_t pages = 0; pages <= all.size(); ++pages) {
    auto r = api().get("/api/v1/audit?" + query, admin_token_);
    ASSERT_EQ(r.status, 200) << r;
    auto body = json::parse(r.body).as_object();
    auto page = body.at("items").as_array();
    ASSERT_LE(page.size(), 2u);
    for (const auto& e : page) paged.push_back(e.at("id").as_int64());
    if (body.at("next_cursor").is_null()) break;
    ASSERT_EQ(page.size(), 2u) << "a page before the end is short";
    query = "limit=2&cursor=" + url_encode(body.at("next_cursor").as_string());
  }
  EXPECT_EQ(paged, expected);
  for (std::size_t i = 1; i < paged.size(); ++i) EXPECT_GT(paged[i - 1], paged[i]);

  // A cursor combines with a filter.
  auto first = api().get("/api/v1/audit?action=auth.login&limit=1", admin_token_);
  auto cursor = json::parse(first.body).at("next_cursor");
  ASSERT_TRUE(cursor.is_string()) << first;
  for (const auto& e : items("action=auth.login&limit=500&cursor=" + url_encode(cursor.as_string())))
    EXPECT_EQ(e.at("action"), "auth.login");
}

TEST_F(Audit, BadQueryValuesAre422NamingTheField) {
  struct bad_case {
    std::string query;
    std::set<std::string> fields;
  };
  for (const auto& c : std::vector<bad_case>{{"since=yesterday", {"since"}},
                                             {"until=2026-13-01T00:00:00Z", {"until"}},
                                             {"since=2026-11-26T12:00:00", {"since"}},
                                             {"result=maybe", {"result"}},
                                             {"limit=0", {"limit"}},
                                             {"limit=501", {"limit"}},
                                             {"limit=ten", {"limit"}},
                                             {"cursor=abc", {"cursor"}},
                                             {"cursor=" + base64url_encode("-5"), {"cursor"}},
                                             {"since=now&result=all", {"since", "result"}}}) {
    auto r = api().get("/api/v1/audit?" + c.query, admin_token_);
    EXPECT_EQ(r.status, 422) << c.query << r;
    EXPECT_EQ(error_fields(r), c.fields) << c.query << r;
  }
}

TEST_F(Audit, ViewerMayReadTheLogTechnicianMayNot) {
  auto r = api().get("/api/v1/audit?limit=1", viewer_token_);
  EXPECT_EQ(r.status, 200) << r;
  EXPECT_EQ(json::parse(r.body).at("items").as_array().size(), 1u) << r;
  // (The technician's 403 happened in SetUpTestSuite; a new one here would change the counts above.)
  auto anonymous = api().get("/api/v1/audit");
  EXPECT_EQ(anonymous.status, 401) << anonymous;
}

// ---------------------------------------------------------------------------------------------
// The command line against the database file. SetUpTestSuite produces one stopped data dir;
// every test works on its own copy.

class AuditCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pristine_ = std::make_unique<temp_dir>();
    server_process server({.data_dir = pristine_->path() / "data"});
    api_client api(server.port());
    std::string token = login(api, "admin", admin_password);  // entry 2 (1 is the first admin)
    create_user(api, token, "cli-one", "viewer", "a-good-password");
    create_user(api, token, "cli-two", "technician", "a-good-password");
    api.post_json("/api/v1/auth/login", login_body("cli-one", "nope-nope-nope"));
    ASSERT_EQ(server.stop(), 0) << server.log_tail();
  }
  static void TearDownTestSuite() { pristine_.reset(); }

  void SetUp() override {
    ASSERT_FALSE(sqlite3_cli().empty()) << "the sqlite3 command-line tool is needed (scripts/setup-deps installs it)";
    fs::copy(pristine_->path() / "data", copy_.path() / "data", fs::copy_options::recursive);
  }

  fs::path data() const { return copy_.path() / "data"; }
  fs::path database() const { return data() / "mothership.db"; }

  command_result sqlite(const fs::path& db, const std::string& sql) const {
    return run_command({sqlite3_cli(), db.string(), sql}, {}, std::chrono::seconds(30));
  }
  command_result verify() const {
    return run_command({mothership_binary(), "audit", "verify", "--data-dir", data().string()});
  }

  static std::unique_ptr<temp_dir> pristine_;
  temp_dir copy_;
};
std::unique_ptr<temp_dir> AuditCli::pristine_;

TEST_F(AuditCli, VerifyPassesOnAnUntouchedLog) {
  auto r = verify();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("intact"), std::string::npos) << r.out;
  auto count = sqlite(database(), "SELECT count(*) FROM audit_log");
  ASSERT_EQ(count.exit_code, 0) << count.err;
  EXPECT_NE(r.out.find(" " + count.out.substr(0, count.out.find('\n')) + " entries"), std::string::npos) << r.out;
}

TEST_F(AuditCli, VerifyFindsAModifiedEntry) {
  auto edit = sqlite(database(), "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET action='x' WHERE id=3;");
  ASSERT_EQ(edit.exit_code, 0) << edit.err;
  ASSERT_EQ(sqlite(database(), "SELECT action FROM audit_log WHERE id=3").out, "x\n");
  auto r = verify();
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("entry 3"), std::string::npos) << r.out << r.err;
}

TEST_F(AuditCli, VerifyFindsADeletedEntry) {
  auto edit = sqlite(database(), "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id=2;");
  ASSERT_EQ(edit.exit_code, 0) << edit.err;
  auto r = verify();
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("entry 2"), std::string::npos) << r.out << r.err;
}

TEST_F(AuditCli, VerifyFindsEntriesCutFromTheEnd) {
  auto edit = sqlite(
      database(), "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id=(SELECT max(id) FROM audit_log);");
  ASSERT_EQ(edit.exit_code, 0) << edit.err;
  auto r = verify();
  EXPECT_NE(r.exit_code, 0) << r.out;
}

TEST_F(AuditCli, TriggersRefuseEditsWhileInPlace) {
  auto edit = sqlite(database(), "UPDATE audit_log SET action='x' WHERE id=3;");
  EXPECT_NE(edit.exit_code, 0);
  EXPECT_NE(edit.err.find("append-only"), std::string::npos) << edit.err;
  auto r = verify();
  EXPECT_EQ(r.exit_code, 0) << r.out;
}

TEST_F(AuditCli, VerifyWithoutADatabaseFails) {
  temp_dir empty;
  auto r = run_command({mothership_binary(), "audit", "verify", "--data-dir", (empty.path() / "none").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no database"), std::string::npos) << r.err;
}

TEST_F(AuditCli, BackupWhileTheServerRunsIsAReadableDatabase) {
  server_process server({.data_dir = data()});
  api_client api(server.port());
  std::string token = login(api, "admin", admin_password);
  create_user(api, token, "cli-three", "viewer", "a-good-password");

  fs::path out = copy_.path() / "backup.db";
  auto r = run_command({mothership_binary(), "backup", "--data-dir", data().string(), "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto users = sqlite(out, "select count(*) from users");
  ASSERT_EQ(users.exit_code, 0) << users.err;
  EXPECT_EQ(users.out, "4\n");  // admin, cli-one, cli-two, cli-three
  auto integrity = sqlite(out, "PRAGMA integrity_check");
  EXPECT_EQ(integrity.out, "ok\n") << integrity.out << integrity.err;

  // An existing file is never overwritten.
  auto again = run_command({mothership_binary(), "backup", "--data-dir", data().string(), "--out", out.string()});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("refusing to overwrite"), std::string::npos) << again.err;
  EXPECT_EQ(server.stop(), 0) << server.log_tail();

  // The backup is a complete data store: its audit log verifies.
  temp_dir restored;
  fs::create_directories(restored.path() / "data");
  fs::copy_file(out, restored.path() / "data" / "mothership.db");
  auto check = run_command({mothership_binary(), "audit", "verify", "--data-dir", (restored.path() / "data").string()});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

}  // namespace
}  // namespace mothership::integration
