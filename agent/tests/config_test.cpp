#include "config.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace mothership::agent {
namespace {

const std::string minimal = R"(
serial = "SN-1"
claim_code = "CODE-1"
model = "Thermo"
firmware_version = "1.0.0"
ca_file = "/etc/ca.pem"
endpoint = "mqtt.example.com:8883"
state_dir = "/var/lib/agent"
)";

TEST(Config, MinimalFileTakesTheDefaults) {
  auto c = parse_config(minimal, "agent.toml");
  ASSERT_TRUE(c.value) << c.error;
  EXPECT_EQ(c.value->serial, "SN-1");
  EXPECT_EQ(c.value->heartbeat_s, 60);
  EXPECT_EQ(c.value->version, mqtt_version::v5);
  EXPECT_NEAR(c.value->renew_before_fraction, 1.0 / 3.0, 1e-9);
  EXPECT_EQ(c.value->reconnect_min_s, 1);
  EXPECT_EQ(c.value->reconnect_max_s, 300);
}

TEST(Config, OptionsAreRead) {
  auto c = parse_config(minimal + "mqtt_version = \"3.1.1\"\nheartbeat_s = 5\nrenew_before_fraction = 1.0\n", "a");
  ASSERT_TRUE(c.value) << c.error;
  EXPECT_EQ(c.value->version, mqtt_version::v3_1_1);
  EXPECT_EQ(c.value->heartbeat_s, 5);
  EXPECT_EQ(c.value->renew_before_fraction, 1.0);
}

TEST(Config, ErrorsNameTheFileAndTheKey) {
  struct {
    std::string text;
    std::string expected;
  } cases[] = {
      {"serial = \"x\"\n", "agent.toml: claim_code: missing (required unless factory_certificate"},
      {minimal + "factory_key = \"/etc/f.key\"\n",
       "agent.toml: factory_certificate: factory_certificate and factory_key go together"},
      {minimal + "heartbeat_s = 0\n", "agent.toml: heartbeat_s: must be between 1 and 86400 (got 0)"},
      {minimal + "heartbeat_s = \"60\"\n", "agent.toml: heartbeat_s: must be an integer"},
      {minimal + "mqtt_version = \"3.1\"\n", "agent.toml: mqtt_version: must be \"5\" or \"3.1.1\" (got \"3.1\")"},
      {minimal + "renew_before_fraction = 1.5\n", "agent.toml: renew_before_fraction: must be between 0 and 1"},
      {minimal + "heartbeat = 5\n", "agent.toml: heartbeat: unknown key"},
      {minimal + "reconnect_min_s = 10\nreconnect_max_s = 5\n", "agent.toml: reconnect_max_s: must not be less"},
  };
  for (auto& c : cases) {
    auto r = parse_config(c.text, "agent.toml");
    EXPECT_FALSE(r.value) << c.text;
    EXPECT_EQ(r.error.rfind(c.expected, 0), 0u) << r.error;
  }
  auto bad_endpoint = minimal;
  bad_endpoint.replace(bad_endpoint.find("mqtt.example.com:8883"), 21, "mqtt.example.com");
  EXPECT_EQ(parse_config(bad_endpoint, "a").error, "a: endpoint: must be host:port (got \"mqtt.example.com\")");
  EXPECT_NE(parse_config("serial = ", "a").error.find("a:1:"), std::string::npos);
}

TEST(Config, AFactoryCertificateStandsInForTheClaimCode) {
  auto without_code = minimal;
  const std::string code_line = "claim_code = \"CODE-1\"\n";
  without_code.erase(without_code.find(code_line), code_line.size());
  auto c = parse_config(without_code + "factory_certificate = \"/etc/f.crt\"\nfactory_key = \"/etc/f.key\"\n", "a");
  ASSERT_TRUE(c.value) << c.error;
  EXPECT_EQ(c.value->claim_code, "");
  EXPECT_EQ(c.value->factory_certificate, "/etc/f.crt");
  EXPECT_EQ(c.value->factory_key, "/etc/f.key");
  EXPECT_FALSE(parse_config(minimal, "a").value->factory_certificate);
}

TEST(Config, AFileWithAClaimCodeOthersCanReadIsRefused) {
  auto dir = std::filesystem::temp_directory_path() / ("agent_config_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text, mode_t mode) {
    auto path = (dir / name).string();
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
  };
  auto loose = write("loose.toml", minimal, 0644);
  auto c = load_config(loose);
  EXPECT_FALSE(c.value);
  EXPECT_EQ(c.error, loose +
                         ": holds a claim code, and mode 0644 lets group or others read it; refusing it"
                         " (chmod 600 the file)");
  EXPECT_TRUE(load_config(write("private.toml", minimal, 0600)).value);
  // Without a claim code (a factory certificate instead) the file holds no secret.
  auto without_code = minimal;
  const std::string code_line = "claim_code = \"CODE-1\"\n";
  without_code.erase(without_code.find(code_line), code_line.size());
  auto c2 = load_config(
      write("factory.toml", without_code + "factory_certificate = \"/f.crt\"\nfactory_key = \"/f.key\"\n", 0644));
  EXPECT_TRUE(c2.value) << c2.error;
  std::filesystem::remove_all(dir);
}

TEST(Config, EndpointSplits) {
  EXPECT_EQ(split_endpoint("localhost:8883")->port, 8883);
  EXPECT_EQ(split_endpoint("[::1]:8883")->host, "::1");
  EXPECT_FALSE(split_endpoint("localhost"));
  EXPECT_FALSE(split_endpoint("localhost:0"));
  EXPECT_FALSE(split_endpoint("localhost:70000"));
  EXPECT_FALSE(split_endpoint(":8883"));
}

}  // namespace
}  // namespace mothership::agent
