// The alert service on a real SQLite database: rules checked and stored, alerts raised, cleared,
// acknowledged, audited and announced, scopes, and a restart.
#include "rules/alert_service.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "common/clock.hpp"
#include "registry/device_store.hpp"
#include "storage/sqlite/sqlite_database.hpp"

using namespace mothership;
using namespace mothership::rules;
namespace fs = std::filesystem;

namespace {

const audit::change_author admin{{"user", "usr_admin"}, "127.0.0.1"};

class alert_service_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ms_alerts_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = std::make_unique<storage::sqlite_database>((dir_ / "db").string(), 2);
    audit_ = std::make_unique<audit::audit_log>(*db_);
    events_ = bus_.subscribe("alert.", [this](const events::event& e) {
      std::lock_guard lock(seen_mutex_);
      seen_.push_back(e.type + " " + e.subject);
    });
    add_device("dev_a", "Thermo 3", common::now_ms());
    add_device("dev_b", "Door 1", common::now_ms());
    start();
  }
  void TearDown() override {
    service_.reset();
    fs::remove_all(dir_);
  }

  void start() {
    alert_settings s;
    s.tick = std::chrono::milliseconds(20);
    s.scope_settle = std::chrono::milliseconds(0);
    service_ = std::make_unique<alert_service>(*db_, *audit_, bus_, s);
    service_->start([this](const std::string& topic, const std::string&) {
      std::lock_guard lock(seen_mutex_);
      published_.push_back(topic);
    });
  }

  void add_device(const std::string& id, const std::string& model, std::int64_t last_seen) {
    registry::device d;
    d.id = id;
    d.serial = "SN-" + id;
    d.model = model;
    d.hw_revision = "A";
    d.stage = registry::lifecycle::active;
    d.created_at = d.updated_at = last_seen;
    d.last_seen_at = last_seen;
    db_->write([&](storage::connection& c) { registry::device_store::insert(c, d); });
  }

  rule_record make(std::string name, std::string condition, std::optional<rule_scope> scope = std::nullopt) {
    rule_input in;
    in.name = std::move(name);
    in.condition = std::move(condition);
    in.scope = std::move(scope);
    auto made = service_->create(in, admin);
    EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().detail);
    return made ? *made : rule_record{};
  }

  void send(const std::string& device, const std::string& key, value v) {
    service_->on_samples({{device, key, std::move(v), common::now_ms()}});
  }

  std::vector<alert> with(alert_filter::which state, const std::string& rule_id = {}) {
    alert_filter f;
    f.state = state;
    if (!rule_id.empty()) f.rule_id = rule_id;
    return service_->alerts(f).items;
  }

  // The alerts of `rule_id` in `state`, once there are `n` (or what there is after 5 s).
  std::vector<alert> wait_for(std::size_t n, alert_filter::which state, const std::string& rule_id) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    auto found = with(state, rule_id);
    while (found.size() < n && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      found = with(state, rule_id);
    }
    return found;
  }

  std::vector<std::string> audit_actions() {
    audit::filter f;
    f.limit = 500;
    std::vector<std::string> out;
    for (const auto& e : audit_->find(f).items) out.push_back(e.what.action);
    return out;
  }

  fs::path dir_;
  std::unique_ptr<storage::sqlite_database> db_;
  std::unique_ptr<audit::audit_log> audit_;
  events::event_bus bus_;
  events::event_bus::subscription events_;
  std::mutex seen_mutex_;
  std::vector<std::string> seen_;
  std::vector<std::string> published_;
  std::unique_ptr<alert_service> service_;
};

TEST_F(alert_service_test, a_sample_over_the_threshold_raises_one_alert_and_one_under_clears_it) {
  auto r = make("Too hot", "temperature > 80");
  EXPECT_TRUE(service_->watched_keys()->contains("temperature"));
  send("dev_a", "temperature", 85.5);
  send("dev_a", "temperature", 90.0);  // still over: the same alert
  auto open = wait_for(1, alert_filter::which::open, r.evaluated.id);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].device_id, "dev_a");
  EXPECT_EQ(open[0].rule_name, "Too hot");
  EXPECT_EQ(open[0].value_json, "8.55E1");
  EXPECT_NE(open[0].summary.find("temperature"), std::string::npos);
  send("dev_a", "temperature", 20.0);
  auto cleared = wait_for(1, alert_filter::which::cleared, r.evaluated.id);
  ASSERT_EQ(cleared.size(), 1u);
  EXPECT_TRUE(with(alert_filter::which::open, r.evaluated.id).empty());
  auto actions = audit_actions();
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "alert.raised"), 1);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "alert.cleared"), 1);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "rule.created"), 1);
  std::lock_guard lock(seen_mutex_);
  EXPECT_EQ(seen_, (std::vector<std::string>{"alert.raised dev_a", "alert.cleared dev_a"}));
  ASSERT_EQ(published_.size(), 2u);
  EXPECT_EQ(published_[0], "$alerts/" + r.evaluated.id + "/dev_a");
}

TEST_F(alert_service_test, bad_rules_are_refused_with_the_field_and_where) {
  rule_input in;
  in.name = "x";
  in.condition = "temperature >> 80";
  auto bad = service_->create(in, admin);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "condition");
  EXPECT_EQ(bad.error().position, 13u);
  in.condition = "temperature > 80";
  in.name = "  ";
  EXPECT_EQ(service_->create(in, admin).error().field, "name");
  in.name = "ok";
  in.heartbeat_interval_s = 0;
  EXPECT_EQ(service_->create(in, admin).error().field, "heartbeat_interval_s");
  in.heartbeat_interval_s.reset();
  in.scope = rule_scope{std::nullopt, std::string("grp_none"), std::nullopt};
  EXPECT_EQ(service_->create(in, admin).error().field, "scope.group_id");
  in.scope = rule_scope{std::nullopt, std::nullopt, std::string("site in (lab")};
  EXPECT_EQ(service_->create(in, admin).error().field, "scope.selector");
  in.scope.reset();
  ASSERT_TRUE(service_->create(in, admin));
  EXPECT_EQ(service_->create(in, admin).error().code, errc::rule_name_taken);
  EXPECT_EQ(service_->rules().size(), 1u);
}

TEST_F(alert_service_test, a_scope_by_model_leaves_other_devices_alone) {
  auto r = make("Thermo hot", "temperature > 80", rule_scope{std::string("Thermo 3"), std::nullopt, std::nullopt});
  send("dev_b", "temperature", 99.0);
  send("dev_a", "temperature", 99.0);
  auto open = wait_for(1, alert_filter::which::open, r.evaluated.id);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].device_id, "dev_a");
}

TEST_F(alert_service_test, acknowledging_is_once_and_not_after_the_alert_cleared) {
  auto r = make("Hot", "temperature > 80");
  send("dev_a", "temperature", 85.0);
  auto open = wait_for(1, alert_filter::which::raised, r.evaluated.id);
  ASSERT_EQ(open.size(), 1u);
  auto acked = service_->acknowledge(open[0].id, std::string("on it"), admin);
  ASSERT_TRUE(acked);
  EXPECT_EQ(acked->state, alert_state::acknowledged);
  EXPECT_EQ(acked->acknowledged_by, "usr_admin");
  EXPECT_EQ(acked->note, "on it");
  ASSERT_TRUE(service_->acknowledge(open[0].id, std::nullopt, admin));  // again: no change
  EXPECT_EQ(service_->find_alert(open[0].id)->note, "on it");
  send("dev_a", "temperature", 10.0);
  ASSERT_EQ(wait_for(1, alert_filter::which::cleared, r.evaluated.id).size(), 1u);
  EXPECT_EQ(service_->acknowledge(open[0].id, std::nullopt, admin).error().code, errc::alert_cleared);
  EXPECT_EQ(service_->acknowledge("alr_nope", std::nullopt, admin).error().code, errc::alert_not_found);
  auto actions = audit_actions();
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "alert.acknowledged"), 1);
}

TEST_F(alert_service_test, changing_a_condition_or_deleting_the_rule_closes_its_alerts) {
  auto r = make("Hot", "temperature > 80");
  send("dev_a", "temperature", 85.0);
  ASSERT_EQ(wait_for(1, alert_filter::which::open, r.evaluated.id).size(), 1u);
  rule_input rename;
  rename.name = "Very hot";
  ASSERT_TRUE(service_->update(r.evaluated.id, rename, admin));
  auto open = with(alert_filter::which::open, r.evaluated.id);
  ASSERT_EQ(open.size(), 1u);  // a new name keeps the alert, under the new name
  EXPECT_EQ(open[0].rule_name, "Very hot");
  rule_input stricter;
  stricter.condition = "temperature > 84";
  auto changed = service_->update(r.evaluated.id, stricter, admin);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->open_alerts, 0);
  auto closed = with(alert_filter::which::cleared, r.evaluated.id);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].clear_summary, "rule changed");
  // The changed rule starts from nothing: the next sample over it raises again.
  send("dev_a", "temperature", 85.0);
  ASSERT_EQ(wait_for(1, alert_filter::which::open, r.evaluated.id).size(), 1u);
  ASSERT_FALSE(service_->remove(r.evaluated.id, admin));
  EXPECT_TRUE(with(alert_filter::which::open).empty());
  EXPECT_EQ(service_->remove(r.evaluated.id, admin)->code, errc::rule_not_found);
  EXPECT_EQ(service_->find_rule(r.evaluated.id).error().code, errc::rule_not_found);
}

TEST_F(alert_service_test, open_alerts_survive_a_restart_without_being_raised_twice) {
  auto r = make("Hot", "temperature > 80");
  auto gone = make("Cold", "temperature < 0");
  send("dev_a", "temperature", 85.0);
  send("dev_b", "temperature", -5.0);
  ASSERT_EQ(wait_for(1, alert_filter::which::open, r.evaluated.id).size(), 1u);
  ASSERT_EQ(wait_for(1, alert_filter::which::open, gone.evaluated.id).size(), 1u);
  service_.reset();
  // While the server is down, the "Cold" rule is deleted by hand.
  db_->write([&](storage::connection& c) { c.execute("DELETE FROM alert_rules WHERE id = $1", {gone.evaluated.id}); });
  start();
  send("dev_a", "temperature", 86.0);
  send("dev_a", "humidity", 1.0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(with(alert_filter::which::any, r.evaluated.id).size(), 1u);
  auto closed = with(alert_filter::which::cleared, gone.evaluated.id);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].clear_summary, "rule no longer applies");
  send("dev_a", "temperature", 1.0);
  EXPECT_EQ(wait_for(1, alert_filter::which::cleared, r.evaluated.id).size(), 1u);
}

TEST_F(alert_service_test, a_device_long_gone_raises_offline_and_clears_when_it_connects) {
  // Last seen an hour before the server (re)started.
  add_device("dev_old", "Thermo 3", common::now_ms() - 3'600'000);
  service_.reset();
  start();
  auto r = make("Lost", "offline for 10m");
  auto open = wait_for(1, alert_filter::which::open, r.evaluated.id);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].device_id, "dev_old");
  EXPECT_EQ(open[0].value_json, std::nullopt);
  service_->on_connected("dev_old", common::now_ms());
  EXPECT_EQ(wait_for(1, alert_filter::which::cleared, r.evaluated.id).size(), 1u);
}

TEST_F(alert_service_test, a_decommissioned_device_has_its_alerts_closed) {
  auto r = make("Hot", "temperature > 80");
  send("dev_a", "temperature", 85.0);
  ASSERT_EQ(wait_for(1, alert_filter::which::open, r.evaluated.id).size(), 1u);
  service_->on_device_gone("dev_a");
  auto closed = wait_for(1, alert_filter::which::cleared, r.evaluated.id);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].clear_summary, "device decommissioned");
}

TEST_F(alert_service_test, past_the_queue_bound_samples_are_dropped_and_counted) {
  service_.reset();
  alert_settings s;
  s.queue_limit = 0;
  service_ = std::make_unique<alert_service>(*db_, *audit_, bus_, s);
  service_->start();
  service_->on_samples({{"dev_a", "temperature", 1.0, common::now_ms()}});
  EXPECT_EQ(service_->stats().samples_dropped.load(), 1u);
}

TEST_F(alert_service_test, a_stopped_service_refuses_changes) {
  service_->stop();
  rule_input in;
  in.name = "x";
  in.condition = "offline for 1m";
  EXPECT_EQ(service_->create(in, admin).error().code, errc::stopped);
}

}  // namespace
