// Table-driven access test: every route the router has, called as every kind of caller,
// must answer as the RBAC table (auth/rbac.cpp) says. A new route is covered automatically.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <map>
#include <set>

#include "api/dispatcher.hpp"
#include "api/routes.hpp"
#include "blob/filesystem_store.hpp"
#include "common/encoding.hpp"
#include "common/secret_file.hpp"
#include "storage/sqlite/sqlite_database.hpp"

using namespace mothership;
using namespace mothership::api;
namespace fs = std::filesystem;

namespace {

boost::asio::awaitable<void> call_into(dispatcher* d, http_request request, std::optional<http_response>* out) {
  *out = co_await d->handle(std::move(request));
}

std::vector<std::string> split(const std::string& token) {
  std::vector<std::string> parts;
  std::size_t start = 0, dot;
  while ((dot = token.find('.', start)) != std::string::npos) {
    parts.push_back(token.substr(start, dot - start));
    start = dot + 1;
  }
  parts.push_back(token.substr(start));
  return parts;
}

// Routes that are deliberately open; every other route must name a permission.
const std::set<std::string> public_routes = {"GET /healthz",
                                             "GET /readyz",
                                             "GET /metrics",
                                             "GET /.well-known/jwks.json",
                                             "POST /api/v1/auth/login",
                                             "POST /api/v1/auth/refresh",
                                             "POST /api/v1/auth/logout",
                                             "GET /pki/ca.pem",
                                             "GET /pki/crl",
                                             "GET /dl/{token}"};
const std::set<std::string> any_user_routes = {"GET /api/v1/me", "POST /api/v1/me/password", "GET /api/v1/events"};

class route_access_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { world_ = new world(); }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }

  struct world {
    fs::path dir = fs::temp_directory_path() / ("ms_route_access_" + std::to_string(::getpid()));
    common::config cfg;
    std::unique_ptr<storage::sqlite_database> db;
    std::unique_ptr<audit::audit_log> audit;
    std::unique_ptr<auth::user_service> users;
    std::unique_ptr<auth::access_token_codec> tokens;
    std::unique_ptr<auth::login_throttle> throttle;
    std::unique_ptr<auth::revoked_tokens> revoked_tokens;
    std::unique_ptr<auth::session_service> sessions;
    api::metrics stats;
    events::event_bus bus;
    std::unique_ptr<pki::certificate_authority> ca;
    std::unique_ptr<registry::claim_codes> codes;
    std::unique_ptr<registry::registry_service> registry;
    std::unique_ptr<registry::group_service> groups;
    std::unique_ptr<provisioning::onboarding_service> onboarding;
    pki::revocation_set revoked;
    std::unique_ptr<provisioning::device_service> devices;
    std::unique_ptr<fleet_services> fleet;
    std::unique_ptr<blob::download_links> links;
    std::unique_ptr<blob::filesystem_store> blobs;
    std::unique_ptr<download_services> downloads;
    ota::signing_keys no_keys;
    std::unique_ptr<ota::firmware_catalog> firmware;
    std::unique_ptr<jobs::job_service> job_engine;
    router routes;
    std::unique_ptr<static_site> site;
    std::unique_ptr<services> svc;
    boost::asio::io_context ioc;
    std::unique_ptr<common::worker_pool> pool;
    std::unique_ptr<common::worker_pool> streaming;
    std::unique_ptr<dispatcher> dispatch;
    std::unique_ptr<storage::sqlite_database> telemetry_db;
    std::unique_ptr<telemetry::telemetry_store> telemetry_store;
    telemetry::retention_windows kept;
    std::unique_ptr<telemetry_services> telemetry;
    std::unique_ptr<reports::report_service> reports;
    std::unique_ptr<rules::alert_service> alerts;
    std::map<std::string, std::string> token_of;  // caller name -> Authorization value ("" = none)

    world() {
      fs::remove_all(dir);
      fs::create_directories(dir);
      db = std::make_unique<storage::sqlite_database>((dir / "db").string(), 3);
      audit = std::make_unique<audit::audit_log>(*db);
      users = std::make_unique<auth::user_service>(*db, *audit);
      tokens = std::make_unique<auth::access_token_codec>(auth::signing_key::generate(), cfg.auth.issuer,
                                                          cfg.auth.audience, 900);
      throttle = std::make_unique<auth::login_throttle>(100, 1);
      revoked_tokens = std::make_unique<auth::revoked_tokens>(*db, common::now_ms() / 1000);
      sessions =
          std::make_unique<auth::session_service>(*db, *audit, *users, *tokens, *throttle, *revoked_tokens, 3600);
      add_routes(routes);
      site = std::make_unique<static_site>("");
      ca = std::make_unique<pki::certificate_authority>(pki::certificate_authority::load_or_create(
          {(dir / "r.crt").string(), (dir / "r.key").string(), (dir / "i.crt").string(), (dir / "i.key").string()},
          "Test"));
      codes = std::make_unique<registry::claim_codes>(registry::claim_codes::load_or_create((dir / "claim").string()));
      registry = std::make_unique<registry::registry_service>(*db, *audit, *codes);
      groups = std::make_unique<registry::group_service>(*db, *audit);
      auto no_mqtt = [](const std::string&, const std::string&, bool) {};
      onboarding = std::make_unique<provisioning::onboarding_service>(*db, *audit, nullptr, *ca, *codes,
                                                                      provisioning::onboarding_settings{}, no_mqtt);
      devices = std::make_unique<provisioning::device_service>(*db, *audit, nullptr, *ca, revoked, *onboarding, 30,
                                                               no_mqtt, [](const std::string&) {});
      devices->start();
      fleet = std::make_unique<fleet_services>(fleet_services{*registry, *groups, *onboarding, *devices, *ca});
      links = std::make_unique<blob::download_links>(common::load_or_create_key((dir / "dl.key").string()));
      blobs = std::make_unique<blob::filesystem_store>(dir / "blobs", *links);
      downloads = std::make_unique<download_services>(download_services{*blobs, *links});
      firmware = std::make_unique<ota::firmware_catalog>(*db, *audit, *blobs, no_keys, ota::catalog_policy{});
      job_engine = std::make_unique<jobs::job_service>(
          *db, *audit, *firmware,
          [](storage::connection&, const jobs::job_targets&) -> boost::system::result<std::vector<jobs::candidate>> {
            return std::vector<jobs::candidate>{};
          });
      telemetry_db = std::make_unique<storage::sqlite_database>((dir / "telemetry.db").string(), 2,
                                                                storage::telemetry_sqlite_migrations());
      telemetry_store = std::make_unique<telemetry::telemetry_store>(*telemetry_db);
      telemetry = std::make_unique<telemetry_services>(telemetry_services{*telemetry_store, kept});
      reports = std::make_unique<reports::report_service>(*db, *audit, *blobs, reports::report_settings{});
      alerts = std::make_unique<rules::alert_service>(*db, *audit, bus);
      alerts->start();
      svc = std::make_unique<services>(services{cfg, *db, *audit, *users, *sessions, *tokens, stats, *fleet, bus,
                                                *downloads, *firmware, *job_engine, *telemetry, *reports, *alerts});
      pool = std::make_unique<common::worker_pool>(2, 100);
      streaming = std::make_unique<common::worker_pool>(1, 1);
      dispatch = std::make_unique<dispatcher>(*svc, routes, *site, *pool, *streaming);

      users->ensure_first_admin("admin-password-1", {});
      auth::requester system{"", "test"};
      users->create(system, {"tech", "T", auth::role::technician, "wrench-secret-1"}).value();
      users->create(system, {"view", "V", auth::role::viewer, "view-password-1"}).value();
      auto gone = users->create(system, {"gone", "G", auth::role::admin, "gone-password-1"}).value();
      int wait = 0;
      token_of["anonymous"] = "";
      token_of["admin"] = sessions->login("admin", "admin-password-1", "t", wait)->access_token;
      token_of["technician"] = sessions->login("tech", "wrench-secret-1", "t", wait)->access_token;
      token_of["viewer"] = sessions->login("view", "view-password-1", "t", wait)->access_token;
      token_of["disabled"] = sessions->login("gone", "gone-password-1", "t", wait)->access_token;
      users->update(system, gone.id, {.disabled = true}).value();

      std::string admin_sub = users->list("", 1).items.front().id;
      std::int64_t now = common::now_ms() / 1000;
      token_of["expired"] = tokens->issue(admin_sub, "admin", 0, now - 1000);
      auto good = split(token_of["admin"]);
      std::string sig = good[2];
      sig[5] = sig[5] == 'A' ? 'B' : 'A';
      token_of["bad_signature"] = good[0] + "." + good[1] + "." + sig;
      boost::json::object none_header{{"alg", "none"}, {"typ", "JWT"}, {"kid", tokens->key().kid()}};
      token_of["alg_none"] = common::base64url_encode(boost::json::serialize(none_header)) + "." + good[1] + ".";
      auth::access_token_codec foreign(auth::signing_key::generate(), cfg.auth.issuer, cfg.auth.audience, 900);
      token_of["foreign_key"] = foreign.issue(admin_sub, "admin", 0, now);
      // Revoked tokens (the security review): one logged out, one from before a password reset,
      // and ones signed with the real key but a ten-year life or an issue time in the future.
      auto logged_out = sessions->login("admin", "admin-password-1", "t", wait)->access_token;
      sessions->logout("", logged_out, "t");
      token_of["logged_out"] = logged_out;
      auto reset = users->create(system, {"reset", "R", auth::role::admin, "reset-secret-1"}).value();
      auto before_reset = sessions->login("reset", "reset-secret-1", "t", wait)->access_token;
      users->update(system, reset.id, {.password = std::string("reset-secret-2")}).value();
      token_of["before_reset"] = before_reset;
      auth::access_token_codec ten_years(tokens->key(), cfg.auth.issuer, cfg.auth.audience, 10 * 365 * 86400);
      token_of["ten_year_life"] = ten_years.issue(admin_sub, "admin", 0, now);
      token_of["issued_in_future"] = tokens->issue(admin_sub, "admin", 0, now + 3600);
    }
    ~world() {
      streaming->stop();
      pool->stop();
      fs::remove_all(dir);
    }

    http_response call(const route& r, const std::string& caller) {
      http_request req;
      req.method = r.method;
      req.path = r.pattern;
      for (std::size_t at; (at = req.path.find('{')) != std::string::npos;)
        req.path.replace(at, req.path.find('}', at) - at + 1, "usr_missing");
      req.remote_address = "127.0.0.1";
      req.request_id = "test";
      if (r.method == "POST" || r.method == "PATCH") {
        req.headers["content-type"] = "application/json";
        req.body = "{}";  // never a valid change: nothing is created or altered by this test
      }
      if (!token_of.at(caller).empty()) req.headers["authorization"] = "Bearer " + token_of.at(caller);
      std::optional<http_response> out;
      boost::asio::co_spawn(ioc, call_into(dispatch.get(), std::move(req), &out), boost::asio::detached);
      ioc.restart();
      ioc.run();
      return std::move(*out);
    }
  };
  static world* world_;
};

route_access_test::world* route_access_test::world_ = nullptr;

}  // namespace

TEST_F(route_access_test, open_routes_are_exactly_the_intended_ones) {
  for (const auto& r : world_->routes.routes()) {
    std::string name = r.method + " " + r.pattern;
    if (public_routes.count(name))
      EXPECT_EQ(r.access.what, access_rule::kind::public_route) << name;
    else if (any_user_routes.count(name))
      EXPECT_EQ(r.access.what, access_rule::kind::authenticated) << name;
    else
      EXPECT_EQ(r.access.what, access_rule::kind::permission) << name << " must declare a permission";
  }
}

TEST_F(route_access_test, every_route_answers_every_caller_as_the_rbac_table_says) {
  const std::vector<std::pair<std::string, std::optional<auth::role>>> callers = {
      {"admin", auth::role::admin}, {"technician", auth::role::technician}, {"viewer", auth::role::viewer}};
  const std::vector<std::string> rejected = {"anonymous",     "expired",         "bad_signature", "alg_none",
                                             "foreign_key",   "disabled",        "logged_out",    "before_reset",
                                             "ten_year_life", "issued_in_future"};
  int checked = 0;
  for (const auto& r : world_->routes.routes()) {
    std::string name = r.method + " " + r.pattern;
    if (r.access.what == access_rule::kind::public_route) {
      auto res = world_->call(r, "anonymous");
      // A download link that is not valid is a 403 of its own kind, never the RBAC one.
      if (res.status == 403) {
        EXPECT_NE(boost::json::parse(res.body).at("type").as_string(), "https://mothership.dev/problems/forbidden")
            << name;
      }
      if (r.pattern != "/dl/{token}") {
        EXPECT_NE(res.status, 403) << name;
      }
      EXPECT_LT(res.status, 500) << name << " " << res.body;
      ++checked;
      continue;
    }
    for (const auto& caller : rejected) {
      auto res = world_->call(r, caller);
      EXPECT_EQ(res.status, 401) << name << " as " << caller << ": " << res.body;
      EXPECT_EQ(res.content_type, "application/problem+json");
      ++checked;
    }
    for (const auto& [caller, role] : callers) {
      auto res = world_->call(r, caller);
      bool allowed = r.access.what == access_rule::kind::authenticated || auth::allows(*role, r.access.needs);
      if (allowed) {
        EXPECT_NE(res.status, 401) << name << " as " << caller << ": " << res.body;
        EXPECT_NE(res.status, 403) << name << " as " << caller << ": " << res.body;
        EXPECT_LT(res.status, 500) << name << " as " << caller << ": " << res.body;
      } else {
        EXPECT_EQ(res.status, 403) << name << " as " << caller;
        auto body = boost::json::parse(res.body).as_object();
        EXPECT_EQ(body["type"].as_string(), "https://mothership.dev/problems/forbidden");
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 50);
}

// The routes of labels and groups with the permission each needs (ARCHITECTURE.md §8: groups and
// labels are devices.manage; reading them is devices.read). The table test above then calls each
// as every role.
TEST_F(route_access_test, label_and_group_routes_need_devices_read_to_read_and_devices_manage_to_change) {
  using auth::permission;
  const std::map<std::string, permission> expected = {
      {"PATCH /api/v1/devices/{id}", permission::devices_manage},
      {"GET /api/v1/devices", permission::devices_read},
      {"GET /api/v1/groups", permission::devices_read},
      {"POST /api/v1/groups", permission::devices_manage},
      {"GET /api/v1/groups/{id}", permission::devices_read},
      {"PATCH /api/v1/groups/{id}", permission::devices_manage},
      {"DELETE /api/v1/groups/{id}", permission::devices_manage},
      {"GET /api/v1/groups/{id}/devices", permission::devices_read},
      {"POST /api/v1/groups/{id}/devices", permission::devices_manage},
      {"DELETE /api/v1/groups/{id}/devices/{device_id}", permission::devices_manage},
  };
  std::map<std::string, permission> found;
  for (const auto& r : world_->routes.routes()) {
    std::string name = r.method + " " + r.pattern;
    if (expected.count(name)) {
      EXPECT_EQ(r.access.what, access_rule::kind::permission) << name;
      found.emplace(name, r.access.needs);
    }
  }
  EXPECT_EQ(found, expected);
  EXPECT_FALSE(auth::allows(auth::role::technician, permission::devices_manage));
  EXPECT_FALSE(auth::allows(auth::role::viewer, permission::devices_manage));
}

TEST_F(route_access_test, every_403_is_audited_as_denied) {
  auto before = world_->audit->find({.action = "access.denied", .limit = 500}).items.size();
  const route* users_route = nullptr;
  for (const auto& r : world_->routes.routes())
    if (r.method == "GET" && r.pattern == "/api/v1/users") users_route = &r;
  ASSERT_TRUE(users_route);
  EXPECT_EQ(world_->call(*users_route, "viewer").status, 403);
  auto after = world_->audit->find({.action = "access.denied", .limit = 500});
  ASSERT_EQ(after.items.size(), before + 1);
  EXPECT_EQ(after.items.front().what.result, audit::outcome::denied);
  EXPECT_EQ(after.items.front().what.target_id, "GET /api/v1/users");
}
