#include "common/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace mothership::common;

namespace {
std::string write_toml(const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / ("ms_config_" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << text;
  return path.string();
}
}  // namespace

TEST(config, defaults_need_no_file) {
  auto r = load_config("", {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value.http.listen, "127.0.0.1:8080");
  EXPECT_EQ(r.value.storage.data_dir, "./var");
}

TEST(config, flag_overrides_env_overrides_file) {
  std::string file = write_toml("[http]\nlisten = \"127.0.0.1:1111\"\nthreads = 3\n[log]\nformat = \"json\"\n");
  ::setenv("MOTHERSHIP_HTTP_LISTEN", "127.0.0.1:2222", 1);
  ::setenv("MOTHERSHIP_HTTP_THREADS", "5", 1);
  auto r = load_config(file, {{"http.listen", "127.0.0.1:3333"}});
  ::unsetenv("MOTHERSHIP_HTTP_LISTEN");
  ::unsetenv("MOTHERSHIP_HTTP_THREADS");
  ASSERT_TRUE(r.ok()) << r.errors.front();
  EXPECT_EQ(r.value.http.listen, "127.0.0.1:3333");  // flag
  EXPECT_EQ(r.value.http.threads, 5);                // env
  EXPECT_EQ(r.value.log.format, "json");             // file
}

TEST(config, unknown_keys_and_bad_values_are_errors) {
  std::string file = write_toml("[http]\nlisen = \"x\"\n");
  EXPECT_FALSE(load_config(file, {}).ok());
  EXPECT_FALSE(load_config("", {{"http.threads", "many"}}).ok());
  EXPECT_FALSE(load_config("", {{"http.threads", "-1"}}).ok());
  EXPECT_FALSE(load_config("", {{"log.format", "xml"}}).ok());
  EXPECT_FALSE(load_config("", {{"http.header_timeout_s", "0"}}).ok());
  EXPECT_FALSE(load_config("", {{"http.max_header_bytes", "10"}}).ok());
  EXPECT_FALSE(load_config(write_toml("[http\n"), {}).ok());
  EXPECT_FALSE(load_config("", {{"http.public_url", "fleet.example.com"}}).ok());  // no scheme
  EXPECT_FALSE(load_config("", {{"http.public_url", "https://fleet.example.com/"}}).ok());
  EXPECT_TRUE(load_config("", {{"http.public_url", "https://fleet.example.com:8443"}}).ok());
}

TEST(config, every_setting_is_documented_with_its_env_name) {
  for (const auto& s : settings()) {
    EXPECT_FALSE(s.description.empty()) << s.name;
    EXPECT_EQ(s.env.rfind("MOTHERSHIP_", 0), 0u) << s.name;
  }
}

TEST(config, a_list_setting_may_be_a_toml_array) {
  std::string file = write_toml("[mqtt]\nws_allowed_origins = [\"https://a.example\", \"http://localhost:5173\"]\n");
  auto r = load_config(file, {});
  ASSERT_TRUE(r.ok()) << r.errors.front();
  EXPECT_EQ(r.value.mqtt.ws_allowed_origins, "https://a.example,http://localhost:5173");
}

TEST(config, https_alone_or_beside_plain_http_but_not_no_listener) {
  auto tls_only = load_config(write_toml("[http]\nlisten = \"\"\ntls_listen = \"127.0.0.1:8443\"\n"), {});
  ASSERT_TRUE(tls_only.ok()) << tls_only.errors.front();
  EXPECT_EQ(tls_only.value.http.listen, "");
  EXPECT_EQ(tls_only.value.http.tls_listen, "127.0.0.1:8443");
  EXPECT_TRUE(load_config("", {{"http.tls_listen", "127.0.0.1:8443"}}).ok());
  EXPECT_FALSE(load_config(write_toml("[http]\nlisten = \"\"\n"), {}).ok());
  EXPECT_FALSE(load_config("", {{"http.tls_cert", "/etc/https.crt"}}).ok());  // without its key
  EXPECT_TRUE(load_config("", {{"http.tls_cert", "/etc/https.crt"}, {"http.tls_key", "/etc/https.key"}}).ok());
}
