// The updater's side of the job protocol against a recording link: what it sends, what it keeps
// on disk, and how it answers the server's refusals (no network, no server).

#include "updater.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>

namespace mothership::agent {
namespace {

namespace json = boost::json;

class recording_link final : public mqtt_link {
 public:
  connect_outcome connect(const connect_request&, std::chrono::milliseconds) override { return {true, -1, {}}; }
  bool subscribe(const std::vector<std::string>& filters, int, std::chrono::milliseconds) override {
    subscribed.insert(subscribed.end(), filters.begin(), filters.end());
    return true;
  }
  bool publish(const std::string& topic, const std::string& payload, int, bool) override {
    published.emplace_back(topic, json::parse(payload).as_object());
    return true;
  }
  bool wait_published(std::chrono::milliseconds) override { return true; }
  void disconnect(std::chrono::milliseconds) override {}

  std::vector<std::string> subscribed;
  std::vector<std::pair<std::string, json::object>> published;
};

class Updater : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/agent-updater-XXXXXX";
    root_ = mkdtemp(pattern);
    cfg_.model = "Thermo";
    cfg_.firmware_version = "1.0.0";
    cfg_.state_dir = root_ + "/state";
    store_.emplace(cfg_.state_dir);
    store_->open();
    updater_.emplace(cfg_, *store_, events_);
    ASSERT_EQ(updater_->after_boot(), update_step::none);
    ASSERT_TRUE(updater_->on_connected(link_, "dev_1"));
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void receive(const std::string& rest, const json::object& body) {
    updater_->on_message({"devices/dev_1/jobs/" + rest, json::serialize(body)});
  }
  std::string outbox() { return *read_file(cfg_.state_dir + "/reports.json"); }

  std::string root_;
  config cfg_;
  event_queue events_;
  recording_link link_;
  std::optional<state_store> store_;
  std::optional<updater> updater_;
};

TEST_F(Updater, AReportTheServerThrottlesIsKeptAndSentAgainWithTheSameToken) {
  EXPECT_EQ(link_.subscribed, std::vector<std::string>{"devices/dev_1/jobs/#"});
  // A job this agent cannot do: REJECTED, kept until acknowledged.
  receive("notify-next",
          {{"execution", {{"jobId", "job_1"}, {"status", "QUEUED"}, {"jobDocument", {{"operation", "reboot"}}}}}});
  ASSERT_EQ(link_.published.size(), 1u);
  auto [topic, report] = link_.published[0];
  EXPECT_EQ(topic, "devices/dev_1/jobs/job_1/update");
  EXPECT_EQ(report.at("status").as_string(), "REJECTED");
  auto token = json::value_to<std::string>(report.at("clientToken"));
  EXPECT_NE(outbox().find(token), std::string::npos);

  receive("job_1/update/rejected", {{"code", "Throttled"}, {"retryAfterSeconds", 2}, {"clientToken", token}});
  EXPECT_NE(outbox().find(token), std::string::npos);  // not dropped
  auto deadline = updater_->next_deadline();
  ASSERT_TRUE(deadline);
  auto now = updater::clock::now();
  EXPECT_GE(*deadline, now + std::chrono::milliseconds(1900));  // the pause asked for...
  EXPECT_LE(*deadline, now + std::chrono::seconds(6));          // ...plus a few seconds of jitter at most
  updater_->on_tick(now + std::chrono::seconds(1));
  EXPECT_EQ(link_.published.size(), 1u);
  updater_->on_tick(*deadline);
  ASSERT_EQ(link_.published.size(), 2u);
  EXPECT_EQ(link_.published[1].second.at("clientToken").as_string(), token);

  receive("job_1/update/accepted", {{"clientToken", token}});
  EXPECT_EQ(outbox(), "[]\n");
  EXPECT_FALSE(updater_->next_deadline());
}

TEST_F(Updater, AReportWithoutAnAnswerGoesAgainAfterThirtySeconds) {
  receive("notify-next",
          {{"execution", {{"jobId", "job_2"}, {"status", "QUEUED"}, {"jobDocument", {{"operation", "reboot"}}}}}});
  ASSERT_EQ(link_.published.size(), 1u);
  auto deadline = updater_->next_deadline();
  ASSERT_TRUE(deadline);
  EXPECT_GE(*deadline, updater::clock::now() + std::chrono::seconds(29));
  updater_->on_tick(*deadline);
  EXPECT_EQ(link_.published.size(), 2u);
}

TEST_F(Updater, AFinalRefusalDropsTheReport) {
  receive("notify-next",
          {{"execution", {{"jobId", "job_3"}, {"status", "QUEUED"}, {"jobDocument", {{"operation", "reboot"}}}}}});
  auto token = json::value_to<std::string>(link_.published.at(0).second.at("clientToken"));
  receive("job_3/update/rejected", {{"code", "TerminalStateReached"}, {"clientToken", token}});
  EXPECT_EQ(outbox(), "[]\n");
}

TEST_F(Updater, AFirmwareForAnotherModelOrTheRunningVersionIsRejected) {
  json::object firmware{{"version", "2.0.0"},
                        {"models", {"Toaster"}},
                        {"size", 10},
                        {"sha256", std::string(64, 'a')},
                        {"url", "https://server/dl/x"}};
  receive("notify-next", {{"execution",
                           {{"jobId", "job_4"},
                            {"status", "QUEUED"},
                            {"jobDocument", {{"operation", "firmware_update"}, {"firmware", firmware}}}}}});
  firmware["models"] = {"Thermo"};
  firmware["version"] = "1.0.0";
  receive("notify-next", {{"execution",
                           {{"jobId", "job_5"},
                            {"status", "QUEUED"},
                            {"jobDocument", {{"operation", "firmware_update"}, {"firmware", firmware}}}}}});
  ASSERT_EQ(link_.published.size(), 2u);
  EXPECT_EQ(link_.published[0].second.at("statusDetails").at("reason").as_string(),
            "the firmware is not for model Thermo");
  EXPECT_EQ(link_.published[1].second.at("statusDetails").at("reason").as_string(), "this device already runs 1.0.0");
}

}  // namespace
}  // namespace mothership::agent
