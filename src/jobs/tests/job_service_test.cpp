#include "jobs/job_service.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include <boost/json/parse.hpp>

#include "blob/filesystem_store.hpp"
#include "jobs/progress_store.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace mothership::jobs {
namespace {

namespace fs = std::filesystem;
using enum execution_status;

class job_service_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ms_jobs_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = std::make_unique<storage::sqlite_database>((dir_ / "db").string(), 3);
    audit_ = std::make_unique<audit::audit_log>(*db_);
    links_ = std::make_unique<blob::download_links>(std::array<unsigned char, 32>{});
    blobs_ = std::make_unique<blob::filesystem_store>(dir_ / "blobs", *links_);
    catalog_ = std::make_unique<ota::firmware_catalog>(*db_, *audit_, *blobs_, keys_, ota::catalog_policy{});
    ota::upload_request r;
    r.version = "2.0.0";
    r.models = {"Thermo"};
    common::string_source image("the image");
    firmware_id_ = catalog_->upload(r, image, {{"user", "usr_admin"}, ""}).value().id;
    for (int i = 0; i < 10; ++i) add_device("dev_" + std::to_string(i));
    start_service();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A new service on the same database: what a restart of the server does.
  void start_service() {
    service_ = std::make_unique<job_service>(
        *db_, *audit_, *catalog_,
        [this](storage::connection&, const job_targets& t) -> boost::system::result<std::vector<candidate>> {
          std::vector<candidate> out;
          for (const auto& id : t.devices) out.push_back(fleet_.contains(id) ? fleet_[id] : candidate{id, ""});
          if (!targets_extra_.empty()) out.push_back(fleet_[targets_extra_]);
          return out;
        },
        nullptr, [this] { return now_; });
    service_->set_notify([this](const std::vector<std::string>& ids) {
      for (const auto& id : ids) ++notified_[id];
    });
  }
  void add_device(const std::string& id, std::string model = "Thermo", std::optional<std::string> version = "1.0.0") {
    fleet_[id] = candidate{id, std::move(model), std::move(version), true, false};
  }
  job_request request(std::vector<std::string> devices, rollout_config rollout = {}) {
    job_request r;
    r.firmware_id = firmware_id_;
    r.targets.devices = std::move(devices);
    r.rollout = rollout;
    return r;
  }
  std::vector<std::string> devices(int n, int from = 0) {
    std::vector<std::string> out;
    for (int i = from; i < from + n; ++i) out.push_back("dev_" + std::to_string(i));
    return out;
  }
  job create(job_request r) {
    auto j = service_->create(r, admin_);
    EXPECT_TRUE(j) << (j ? "" : j.error().message());
    return j.value();
  }
  device_update to(execution_status s) { return {.status = s}; }
  execution run(const std::string& device) { return service_->start_next(device, {}).value().value(); }

  fs::path dir_;
  std::unique_ptr<storage::sqlite_database> db_;
  std::unique_ptr<audit::audit_log> audit_;
  std::unique_ptr<blob::download_links> links_;
  std::unique_ptr<blob::filesystem_store> blobs_;
  ota::signing_keys keys_;
  std::unique_ptr<ota::firmware_catalog> catalog_;
  std::unique_ptr<job_service> service_;
  std::map<std::string, candidate> fleet_;
  std::map<std::string, int> notified_;
  std::string firmware_id_;
  std::string targets_extra_;  // a device the targets name besides their ids (as a group that grew)
  common::millis now_ = 1'780'000'000'000;
  change_author admin_{{"user", "usr_admin"}, "127.0.0.1"};
};

TEST_F(job_service_test, a_dry_run_says_who_gets_the_job_who_is_skipped_and_why) {
  add_device("dev_old", "Toaster");
  add_device("dev_done", "Thermo", "2.0.0");
  fleet_["dev_off"] = candidate{"dev_off", "Thermo", "1.0.0", false, false};
  fleet_["dev_gone"] = candidate{"dev_gone", "Thermo", "1.0.0", false, true};
  create(request({"dev_9"}));
  rollout_config waves;
  waves.waves = {{50, 0}, {100, 0}};
  auto plan = service_->plan(
      request({"dev_1", "dev_2", "dev_old", "dev_done", "dev_off", "dev_gone", "dev_nobody", "dev_9", "dev_1"}, waves));
  ASSERT_TRUE(plan);
  std::vector<std::string> targets;
  for (const auto& t : plan->targets) targets.push_back(t.device_id);
  EXPECT_EQ(targets, (std::vector<std::string>{"dev_1", "dev_2", "dev_off"}));
  std::map<std::string, std::string> skipped;
  for (const auto& s : plan->skipped) skipped[s.device_id] = s.reason;
  EXPECT_EQ(skipped, (std::map<std::string, std::string>{{"dev_old", "incompatible_model"},
                                                         {"dev_done", "already_on_version"},
                                                         {"dev_gone", "decommissioned"},
                                                         {"dev_nobody", "unknown_device"},
                                                         {"dev_9", "in_another_job"}}));
  EXPECT_EQ(plan->offline, 1);
  EXPECT_EQ(plan->waves, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(service_->list({}).size(), 1u);  // the dry run created nothing

  EXPECT_EQ(service_->plan(request({"dev_old"})).error(), errc::no_targets);
  EXPECT_EQ(service_->plan(request({})).error(), errc::invalid_targets);
  auto unknown = request({"dev_1"});
  unknown.firmware_id = "fw_nope";
  EXPECT_EQ(service_->plan(unknown).error(), errc::firmware_not_found);
}

TEST_F(job_service_test, a_device_starts_reports_progress_and_succeeds) {
  auto j = create(request(devices(2)));
  EXPECT_EQ(notified_["dev_0"], 1);
  auto pending = service_->pending("dev_0");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].status, queued);
  auto e = run("dev_0");
  EXPECT_EQ(e.status, in_progress);
  EXPECT_EQ(e.version_number, 2);
  EXPECT_EQ(*e.timeout_at, now_ + 3600 * 1000);
  auto progress = to(in_progress);
  progress.status_details = R"({"step":"download","percent":"42"})";
  progress.expected_version = 2;
  e = service_->update(j.id, "dev_0", progress).value();
  EXPECT_EQ((std::pair{e.step.value_or(""), e.percent.value_or(-1)}),
            (std::pair{std::string("download"), std::int64_t{42}}));
  e = service_->update(j.id, "dev_0", to(succeeded)).value();
  EXPECT_EQ(e.status, succeeded);
  EXPECT_EQ(e.version_number, 4);
  EXPECT_TRUE(service_->pending("dev_0").empty());
  EXPECT_EQ(service_->find(j.id)->status, job_status::in_progress);  // dev_1 still to go
  run("dev_1");
  service_->update(j.id, "dev_1", to(succeeded)).value();
  service_->tick();
  EXPECT_EQ(service_->find(j.id)->status, job_status::completed);
  EXPECT_EQ(audit_->find({.action = std::string("job.execution")}).items.size(), 2u);
  EXPECT_EQ(audit_->find({.action = std::string("job.complete")}).items.size(), 1u);
}

TEST_F(job_service_test, refusals_a_stale_version_an_illegal_move_a_final_state_another_devices_job) {
  auto j = create(request(devices(1)));
  auto e = run("dev_0");
  auto stale = to(in_progress);
  stale.expected_version = e.version_number - 1;
  EXPECT_EQ(service_->update(j.id, "dev_0", stale).error(), errc::version_mismatch);
  EXPECT_EQ(service_->update(j.id, "dev_0", to(timed_out)).error(), errc::invalid_state_transition);
  EXPECT_EQ(service_->update(j.id, "dev_0", to(canceled)).error(), errc::invalid_state_transition);
  EXPECT_EQ(service_->update(j.id, "dev_5", to(succeeded)).error(), errc::execution_not_found);
  EXPECT_EQ(service_->update("job_nope", "dev_0", to(succeeded)).error(), errc::execution_not_found);
  service_->update(j.id, "dev_0", to(succeeded)).value();
  EXPECT_EQ(service_->update(j.id, "dev_0", to(in_progress)).error(), errc::terminal_state_reached);
  EXPECT_EQ(service_->describe(j.id, "dev_0")->status, succeeded);
  EXPECT_FALSE(parse_status_details(boost::json::parse(R"({"a": 1})")));
  EXPECT_FALSE(parse_status_details(boost::json::parse(R"(["a"])")));
  EXPECT_FALSE(parse_status_details(boost::json::value(std::string(5000, 'x'))));
  EXPECT_TRUE(parse_status_details(boost::json::parse(R"({"step": "install"})")));
}

TEST_F(job_service_test, a_repeated_update_with_the_same_client_token_is_applied_once) {
  auto j = create(request(devices(1)));
  run("dev_0");
  auto u = to(in_progress);
  u.client_token = "tok-1";
  u.status_details = R"({"percent":"10"})";
  auto first = service_->update(j.id, "dev_0", u).value();
  auto again = service_->update(j.id, "dev_0", u).value();
  EXPECT_EQ(again.version_number, first.version_number);
  EXPECT_EQ(service_->describe(j.id, "dev_0")->version_number, first.version_number);  // not bumped twice
  auto done = to(succeeded);
  done.client_token = "tok-2";
  EXPECT_EQ(service_->update(j.id, "dev_0", done)->status, succeeded);
  EXPECT_EQ(service_->update(j.id, "dev_0", done)->status, succeeded);  // the retransmission: accepted, not refused
  EXPECT_EQ(audit_->find({.action = std::string("job.execution")}).items.size(), 1u);
}

TEST_F(job_service_test, the_rate_releases_a_few_per_minute_and_a_restart_continues_the_pace) {
  rollout_config rate;
  rate.max_per_minute = 3;
  auto j = create(request(devices(10), rate));
  EXPECT_EQ(service_->counts(j.id).released, 3);
  service_->tick();
  EXPECT_EQ(service_->counts(j.id).released, 3);  // the same minute
  EXPECT_TRUE(service_->pending("dev_5").empty());
  start_service();  // the server restarts
  now_ += 61000;
  service_->tick();
  EXPECT_EQ(service_->counts(j.id).released, 6);
  now_ += 61000;
  service_->tick();
  now_ += 61000;
  service_->tick();
  EXPECT_EQ(service_->counts(j.id).released, 10);
}

TEST_F(job_service_test, a_silent_device_times_out_even_across_a_restart_and_is_retried) {
  rollout_config c;
  c.in_progress_timeout_s = 600;
  c.max_retries = 1;
  auto j = create(request(devices(1), c));
  auto u = device_update{.status = in_progress, .step_timeout_minutes = 2};
  auto e = service_->start_next("dev_0", u).value().value();
  EXPECT_EQ(*e.timeout_at, now_ + 120000);  // the step timeout is shorter than the run's
  start_service();
  now_ += 121000;
  service_->tick();
  e = service_->describe(j.id, "dev_0").value();
  EXPECT_EQ(e.status, queued);  // TIMED_OUT, then queued again as execution 2
  EXPECT_EQ(e.execution_number, 2);
  auto timed = audit_->find({.action = std::string("job.execution")}).items;
  ASSERT_EQ(timed.size(), 1u);
  EXPECT_EQ(timed[0].what.details.at("status").as_string(), "TIMED_OUT");
  run("dev_0");
  now_ += 601000;
  service_->tick();
  EXPECT_EQ(service_->describe(j.id, "dev_0")->status, timed_out);  // no retry left
  service_->tick();
  EXPECT_EQ(service_->find(j.id)->status, job_status::completed);
}

TEST_F(job_service_test, failures_over_the_threshold_abort_the_job_and_cancel_what_is_queued) {
  rollout_config c;
  c.max_per_minute = 4;
  c.abort_failure_percent = 50;
  c.abort_min_finished = 4;
  auto j = create(request(devices(10), c));
  for (int i = 0; i < 4; ++i) {
    auto device = "dev_" + std::to_string(i);
    run(device);
    service_->update(j.id, device, to(i < 2 ? failed : succeeded)).value();
  }
  service_->tick();
  auto after = service_->find(j.id).value();
  EXPECT_EQ(after.status, job_status::aborted);
  EXPECT_NE(after.reason.value_or("").find("2 of 4"), std::string::npos);
  auto counts = service_->counts(j.id);
  EXPECT_EQ(counts.of(canceled), 6);
  EXPECT_EQ(counts.of(failed), 2);
  EXPECT_EQ(audit_->find({.action = std::string("job.abort")}).items.size(), 1u);
}

TEST_F(job_service_test, pause_holds_the_queue_resume_releases_it_cancel_ends_it) {
  auto j = create(request(devices(3)));
  run("dev_0");
  ASSERT_TRUE(service_->pause(j.id, admin_));
  EXPECT_TRUE(service_->pending("dev_1").empty());   // queued: waits
  EXPECT_EQ(service_->pending("dev_0").size(), 1u);  // in progress: goes on
  EXPECT_EQ(service_->pause(j.id, admin_).error(), errc::job_not_active);
  ASSERT_TRUE(service_->resume(j.id, admin_));
  EXPECT_EQ(service_->pending("dev_1").size(), 1u);
  ASSERT_TRUE(service_->cancel(j.id, false, admin_));
  EXPECT_EQ(service_->describe(j.id, "dev_1")->status, canceled);
  EXPECT_EQ(service_->describe(j.id, "dev_0")->status, in_progress);  // without force it may finish
  EXPECT_EQ(service_->cancel(j.id, true, admin_).error(), errc::job_not_active);
  for (const char* action : {"job.pause", "job.resume", "job.cancel"})
    EXPECT_EQ(audit_->find({.action = std::string(action)}).items.size(), 1u) << action;
}

TEST_F(job_service_test, a_forced_cancel_ends_executions_in_progress_too) {
  auto j = create(request(devices(2)));
  run("dev_0");
  ASSERT_TRUE(service_->cancel(j.id, true, admin_));
  EXPECT_EQ(service_->describe(j.id, "dev_0")->status, canceled);
  EXPECT_EQ(service_->update(j.id, "dev_0", to(succeeded)).error(), errc::terminal_state_reached);
}

TEST_F(job_service_test, waves_release_the_next_only_after_the_previous_finished_and_soaked) {
  rollout_config c;
  c.waves = {{20, 60}, {100, 0}};
  auto j = create(request(devices(10), c));
  EXPECT_EQ(service_->counts(j.id).released, 2);
  for (auto device : {"dev_0", "dev_1"}) {
    run(device);
    service_->update(j.id, device, to(succeeded)).value();
  }
  service_->tick();
  EXPECT_EQ(service_->counts(j.id).released, 2);  // soaking
  now_ += 61000;
  service_->tick();
  EXPECT_EQ(service_->counts(j.id).released, 10);
}

TEST_F(job_service_test, a_continuous_job_reaches_devices_that_join_its_targets_later) {
  auto r = request(devices(2));
  r.continuous = true;
  auto j = create(r);
  for (auto device : {"dev_0", "dev_1"}) {
    run(device);
    service_->update(j.id, device, to(succeeded)).value();
  }
  service_->tick();
  EXPECT_EQ(service_->find(j.id)->status, job_status::in_progress);  // continuous: it does not end
  // Resolution is by the targets: a device the targets name from now on (here: a new id the
  // fake resolver knows) joins at the next look, 30 s later, and is released at once.
  targets_extra_ = "dev_7";
  now_ += 31000;
  service_->tick();
  EXPECT_EQ(service_->counts(j.id).total(), 3);
  EXPECT_EQ(service_->pending("dev_7").size(), 1u);
  EXPECT_EQ(notified_["dev_7"], 1);
  now_ += 31000;
  service_->tick();
  EXPECT_EQ(service_->counts(j.id).total(), 3);  // not twice
}

TEST_F(job_service_test, progress_is_sampled_at_most_every_two_seconds_and_once_more_at_the_end) {
  auto j = create(request(devices(3)));
  auto samples = service_->progress(j.id);
  ASSERT_EQ(samples.size(), 1u);  // the job as created
  EXPECT_EQ((std::pair{samples[0].at, samples[0].queued}), (std::pair{now_, std::int64_t{3}}));
  run("dev_0");
  run("dev_1");  // both within the same 2 s: held
  EXPECT_EQ(service_->progress(j.id).size(), 1u);
  now_ += 2000;
  service_->tick();  // the scheduler keeps what was held
  samples = service_->progress(j.id);
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ((std::pair{samples[1].queued, samples[1].in_progress}), (std::pair{std::int64_t{1}, std::int64_t{2}}));
  now_ += 500;
  service_->update(j.id, "dev_0", to(succeeded)).value();
  service_->update(j.id, "dev_1", to(failed)).value();
  run("dev_2");
  service_->update(j.id, "dev_2", to(succeeded)).value();
  service_->tick();  // completes the job: its final sample is kept though only 0.5 s have passed
  samples = service_->progress(j.id);
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_EQ((std::pair{samples[2].completed, samples[2].failed}), (std::pair{std::int64_t{2}, std::int64_t{1}}));
}

TEST_F(job_service_test, a_job_past_the_sample_cap_keeps_its_first_and_last_and_every_other_between) {
  auto j = create(request(devices(1)));
  db_->write([&](storage::connection& c) {
    for (int i = 1; i <= 9; ++i) progress_store::insert(c, j.id, {.at = now_ + i, .completed = i}, 10);
    progress_store::insert(c, j.id, {.at = now_ + 10, .completed = 10}, 10);  // the cap: thinned, then kept
  });
  auto samples = service_->progress(j.id);
  std::vector<common::millis> at;
  for (const auto& s : samples) at.push_back(s.at - now_);
  EXPECT_EQ(at, (std::vector<common::millis>{0, 2, 4, 6, 8, 9, 10}));
}

}  // namespace
}  // namespace mothership::jobs
