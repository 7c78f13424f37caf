// The agent's flows against a scripted MQTT link: no network, no server.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "agent.hpp"

namespace mothership::agent {
namespace {

namespace fs = std::filesystem;

struct script {
  std::vector<connect_outcome> refusals;  // the first connects get these, then success
  std::vector<connect_request> connects;
  std::vector<std::pair<std::string, std::string>> published;
  // Called for every publish; may push events (the server's answers).
  std::function<void(event_queue&, const std::string& topic, const std::string& payload)> server;
  std::function<void(event_queue&, std::size_t connect_count)> on_connect;
};

class scripted_link final : public mqtt_link {
 public:
  scripted_link(event_queue& events, script& s) : events_(events), s_(s) {}
  connect_outcome connect(const connect_request& request, std::chrono::milliseconds) override {
    s_.connects.push_back(request);
    if (s_.on_connect) s_.on_connect(events_, s_.connects.size());
    if (s_.connects.size() <= s_.refusals.size()) return s_.refusals[s_.connects.size() - 1];
    return {true, -1, {}};
  }
  bool subscribe(const std::vector<std::string>&, int, std::chrono::milliseconds) override { return true; }
  bool publish(const std::string& topic, const std::string& payload, int, bool) override {
    s_.published.emplace_back(topic, payload);
    if (s_.server) s_.server(events_, topic, payload);
    return true;
  }
  bool wait_published(std::chrono::milliseconds) override { return true; }
  void disconnect(std::chrono::milliseconds) override {}

 private:
  event_queue& events_;
  script& s_;
};

class AgentFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/agent-flow-XXXXXX";
    root_ = mkdtemp(pattern);
    cfg_.serial = "SN-1";
    cfg_.claim_code = "CODE-1";
    cfg_.model = "Thermo";
    cfg_.firmware_version = "1.2.3";
    cfg_.ca_file = root_ + "/ca.pem";
    cfg_.endpoint = "localhost:8883";
    cfg_.state_dir = root_ + "/state";
    cfg_.reconnect_min_s = 0.01;
    cfg_.reconnect_max_s = 0.05;
    std::ofstream(cfg_.ca_file) << "CA\n";
  }
  void TearDown() override { fs::remove_all(root_); }

  link_factory links() {
    return [this](event_queue& events) -> std::unique_ptr<mqtt_link> {
      return std::make_unique<scripted_link>(events, script_);
    };
  }

  std::string root_;
  config cfg_;
  script script_;
};

TEST_F(AgentFlow, ARejectedHelloEndsTheAgentWithItsExitCode) {
  script_.server = [](event_queue& events, const std::string& topic, const std::string&) {
    if (topic == "$provision/SN-1/hello")
      events.push(message_event{"$provision/SN-1/status", R"({"status":"rejected","reason":"weak key"})"});
  };
  event_queue events;
  EXPECT_EQ(run_agent(cfg_, events, links()), exit_rejected);
  ASSERT_EQ(script_.connects.size(), 1u);
  const auto& c = script_.connects[0];
  EXPECT_EQ(c.client_id, "SN-1");
  EXPECT_EQ(c.username, "SN-1");
  EXPECT_EQ(c.password, "CODE-1");
  EXPECT_FALSE(c.cert_file);
  ASSERT_EQ(script_.published.size(), 1u);
  auto hello = boost::json::parse(script_.published[0].second).as_object();
  EXPECT_EQ(hello.at("model"), "Thermo");
  EXPECT_EQ(hello.at("firmware_version"), "1.2.3");
  EXPECT_NE(std::string(hello.at("csr").as_string()).find("BEGIN CERTIFICATE REQUEST"), std::string::npos);
  EXPECT_TRUE(fs::exists(cfg_.state_dir + "/device.key"));
}

TEST_F(AgentFlow, ARevokedDeviceIsRetriedWithBackoffUntilStopped) {
  fs::create_directories(cfg_.state_dir);
  std::ofstream(cfg_.state_dir + "/device.json") << R"({"device_id":"dev_1","mqtt_endpoint":"mqtt.example:8883"})";
  connect_outcome revoked{false, reason::not_authorized, "not authorized (0x87)"};
  script_.refusals = {revoked, revoked, revoked, revoked};
  script_.on_connect = [](event_queue& events, std::size_t count) {
    if (count == 4) events.request_stop();
  };
  event_queue events;
  EXPECT_EQ(run_agent(cfg_, events, links()), exit_stopped);
  ASSERT_EQ(script_.connects.size(), 4u);
  for (const auto& c : script_.connects) {
    EXPECT_EQ(c.client_id, "dev_1");
    EXPECT_EQ(c.host, "mqtt.example");
    EXPECT_EQ(c.cert_file, cfg_.state_dir + "/device.crt");
    EXPECT_EQ(c.ca_file, cfg_.ca_file);  // no ca.pem stored: the configured bundle
  }
  EXPECT_TRUE(script_.published.empty());
}

TEST_F(AgentFlow, AnOperationalConnectionReportsStateRetained) {
  fs::create_directories(cfg_.state_dir);
  std::ofstream(cfg_.state_dir + "/device.json") << R"({"device_id":"dev_2","mqtt_endpoint":"localhost:8883"})";
  script_.server = [](event_queue& events, const std::string&, const std::string&) { events.request_stop(); };
  event_queue events;
  EXPECT_EQ(run_agent(cfg_, events, links()), exit_stopped);
  ASSERT_EQ(script_.published.size(), 1u);
  EXPECT_EQ(script_.published[0].first, "devices/dev_2/state");
  auto state = boost::json::parse(script_.published[0].second).as_object();
  EXPECT_EQ(state.at("firmware_version"), "1.2.3");
  EXPECT_EQ(state.at("model"), "Thermo");
  EXPECT_TRUE(state.at("uptime_s").is_int64());
}

}  // namespace
}  // namespace mothership::agent
