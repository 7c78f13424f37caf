// 02 Configuration layers: TOML file < MOTHERSHIP_<SECTION>_<KEY> < command-line flag.
#include <gtest/gtest.h>

#include <fstream>

#include "http_client.hpp"
#include "server_process.hpp"

namespace mothership::integration {
namespace {

namespace fs = std::filesystem;

std::string listen_on(int port) {
  return "127.0.0.1:" + std::to_string(port);
}

class Config : public ::testing::Test {
 protected:
  void SetUp() override {
    toml_port_ = free_port();
    env_port_ = free_port();
    flag_port_ = free_port();
    while (env_port_ == toml_port_) env_port_ = free_port();
    while (flag_port_ == toml_port_ || flag_port_ == env_port_) flag_port_ = free_port();
    config_file_ = files_.path() / "mothership.toml";
    write_config("[http]\nlisten = \"" + listen_on(toml_port_) + "\"\n\n[log]\nlevel = \"info\"\n");
  }

  void write_config(const std::string& text) {
    std::ofstream out(config_file_);
    out << text;
  }

  // The port the server reported (and answered /healthz on); the others must be closed.
  void expect_only(const server_process& server, int port) {
    EXPECT_EQ(server.port(), port) << server.log_tail();
    for (int other : {toml_port_, env_port_, flag_port_}) {
      if (other != port) {
        EXPECT_FALSE(port_accepts(other)) << "port " << other << " answers too";
      }
    }
  }

  temp_dir files_;
  fs::path config_file_;
  int toml_port_ = 0, env_port_ = 0, flag_port_ = 0;
};

TEST_F(Config, TomlFileSetsTheListenAddress) {
  server_process server({.pass_listen_flag = false, .extra_args = {"--config", config_file_.string()}});
  expect_only(server, toml_port_);
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(Config, EnvironmentOverridesTheTomlFile) {
  server_process server({.pass_listen_flag = false,
                         .extra_args = {"--config", config_file_.string()},
                         .env = {{"MOTHERSHIP_HTTP_LISTEN", listen_on(env_port_)}}});
  expect_only(server, env_port_);
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(Config, FlagOverridesTheEnvironment) {
  server_process server({.pass_listen_flag = false,
                         .extra_args = {"--config", config_file_.string(), "--http-listen", listen_on(flag_port_)},
                         .env = {{"MOTHERSHIP_HTTP_LISTEN", listen_on(env_port_)}}});
  expect_only(server, flag_port_);
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(Config, UnknownTomlKeyExitsWithCode2AndNamesIt) {
  write_config("[http]\nlisten = \"" + listen_on(toml_port_) + "\"\nlistne_typo = \"x\"\n");
  temp_dir data;
  auto r = run_command(
      {mothership_binary(), "serve", "--config", config_file_.string(), "--data-dir", (data.path() / "d").string()},
      {{"MOTHERSHIP_ADMIN_PASSWORD", admin_password}}, std::chrono::seconds(20));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("unknown setting http.listne_typo"), std::string::npos) << r.err;
  EXPECT_FALSE(port_accepts(toml_port_));
  EXPECT_FALSE(fs::exists(data.path() / "d" / "mothership.db"))
      << "a refused configuration must not touch the data dir";
}

TEST_F(Config, UnknownSectionAndBadValueExitWithCode2) {
  write_config("[htttp]\nlisten = \"" + listen_on(toml_port_) + "\"\n\n[http]\nthreads = \"many\"\n");
  auto r = run_command({mothership_binary(), "serve", "--config", config_file_.string()},
                       {{"MOTHERSHIP_ADMIN_PASSWORD", admin_password}}, std::chrono::seconds(20));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("unknown setting htttp.listen"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("http.threads"), std::string::npos) << r.err;
}

TEST_F(Config, InvalidEnvironmentValueExitsWithCode2) {
  auto r = run_command({mothership_binary(), "serve", "--config", config_file_.string()},
                       {{"MOTHERSHIP_ADMIN_PASSWORD", admin_password}, {"MOTHERSHIP_HTTP_HEADER_TIMEOUT_S", "-3"}},
                       std::chrono::seconds(20));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("MOTHERSHIP_HTTP_HEADER_TIMEOUT_S"), std::string::npos) << r.err;
}

TEST_F(Config, BadLogFormatExitsWithCode2) {
  auto r = run_command({mothership_binary(), "serve", "--config", config_file_.string(), "--log-format", "xml"},
                       {{"MOTHERSHIP_ADMIN_PASSWORD", admin_password}}, std::chrono::seconds(20));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("log.format"), std::string::npos) << r.err;
}

TEST_F(Config, PortInUseFailsWithAMessage) {
  server_process first;
  temp_dir data;
  auto r = run_command({mothership_binary(), "serve", "--data-dir", (data.path() / "d").string(), "--http-listen",
                        listen_on(first.port())},
                       {{"MOTHERSHIP_ADMIN_PASSWORD", admin_password}}, std::chrono::seconds(20));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, -9) << "the second server kept running";
  EXPECT_NE(r.err.find("in use"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(send_request(first.port(), {"GET", "/healthz"}).status, 200);
  EXPECT_EQ(first.stop(), 0) << first.log_tail();
}

}  // namespace
}  // namespace mothership::integration
