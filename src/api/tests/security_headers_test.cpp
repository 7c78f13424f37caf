// The security headers as they leave the writer: each once, the portal's policy on its
// files, the API's everywhere else, HSTS only over TLS; and when the refresh cookie is Secure.
#include "api/security_headers.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "api/response_writer.hpp"
#include "api/static_site.hpp"

using namespace mothership::api;
namespace fs = std::filesystem;

namespace {

// How often a header line "Name: " starts a line of the head (names compared as sent).
int count_header(const std::string& bytes, const std::string& name) {
  std::string head = bytes.substr(0, bytes.find("\r\n\r\n") + 2);
  int n = 0;
  for (std::size_t at = head.find("\r\n" + name + ": "); at != std::string::npos;
       at = head.find("\r\n" + name + ": ", at + 1))
    ++n;
  return n;
}

std::string header_value(const std::string& bytes, const std::string& name) {
  auto at = bytes.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  at += name.size() + 4;
  return bytes.substr(at, bytes.find("\r\n", at) - at);
}

const char* const once_headers[] = {"X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
                                    "Content-Security-Policy"};

class portal_files : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ms_headers_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "assets");
    std::ofstream(dir_ / "index.html") << "<html>portal</html>";
    std::ofstream(dir_ / "assets" / "app-1234.js") << "console.log(1)";
  }
  void TearDown() override { fs::remove_all(dir_); }
  http_response get(const std::string& path, const std::string& if_none_match = "") {
    http_request r;
    r.method = "GET";
    r.path = path;
    if (!if_none_match.empty()) r.headers["if-none-match"] = if_none_match;
    return *static_site(dir_.string()).serve(r);
  }
  fs::path dir_;
};

}  // namespace

TEST_F(portal_files, each_security_header_once_with_the_portal_policy) {
  for (const char* path : {"/", "/assets/app-1234.js", "/devices/dev_1"}) {
    for (bool tls : {false, true}) {
      std::string bytes = serialize_response(get(path), 11, true, false, tls);
      for (const char* name : once_headers) EXPECT_EQ(count_header(bytes, name), 1) << path << " " << name;
      EXPECT_EQ(header_value(bytes, "Content-Security-Policy"), portal_content_security_policy) << path;
      EXPECT_EQ(header_value(bytes, "X-Content-Type-Options"), "nosniff");
      EXPECT_EQ(count_header(bytes, "Strict-Transport-Security"), tls ? 1 : 0) << path;
    }
  }
}

TEST_F(portal_files, a_not_modified_answer_keeps_the_headers) {
  std::string etag;
  for (const auto& [k, v] : get("/").headers)
    if (k == "ETag") etag = v;
  auto not_modified = get("/", etag);
  ASSERT_EQ(not_modified.status, 304);
  std::string bytes = serialize_response(not_modified, 11, true, false, true);
  for (const char* name : once_headers) EXPECT_EQ(count_header(bytes, name), 1) << name;
}

TEST(security_headers, api_answers_get_the_api_policy_once) {
  for (bool tls : {false, true}) {
    std::string bytes = serialize_response(json_response(200, "{}"), 11, true, false, tls);
    for (const char* name : once_headers) EXPECT_EQ(count_header(bytes, name), 1) << name;
    EXPECT_EQ(header_value(bytes, "Content-Security-Policy"), "default-src 'none'; frame-ancestors 'none'");
    EXPECT_EQ(header_value(bytes, "X-Frame-Options"), "DENY");
    EXPECT_EQ(header_value(bytes, "Referrer-Policy"), "no-referrer");
    EXPECT_EQ(count_header(bytes, "Strict-Transport-Security"), tls ? 1 : 0);
  }
}

TEST(security_headers, hsts_only_over_tls) {
  std::string plain = serialize_response(no_content(), 11, true, false, false);
  std::string tls = serialize_response(no_content(), 11, true, false, true);
  EXPECT_EQ(count_header(plain, "Strict-Transport-Security"), 0);
  EXPECT_EQ(header_value(tls, "Strict-Transport-Security"), "max-age=31536000");
}

TEST(security_headers, a_header_the_response_sets_is_not_added_again) {
  auto r = json_response(200, "{}").with_header("content-security-policy", "sandbox");
  std::string bytes = serialize_response(r, 11, true, false, false);
  EXPECT_EQ(header_value(bytes, "content-security-policy"), "sandbox");
  EXPECT_EQ(count_header(bytes, "Content-Security-Policy"), 0);
}

TEST(security_headers, event_stream_heads_carry_them_too) {
  http_response r;
  r.content_type = "text/event-stream";
  for (bool tls : {false, true}) {
    std::string bytes = serialize_stream_head(r, 11, tls);
    for (const char* name : once_headers) EXPECT_EQ(count_header(bytes, name), 1) << name;
    EXPECT_EQ(header_value(bytes, "Content-Security-Policy"), api_content_security_policy);
    EXPECT_EQ(count_header(bytes, "Strict-Transport-Security"), tls ? 1 : 0);
  }
}

TEST(refresh_cookie, secure_over_https_and_when_https_is_the_only_listener) {
  mothership::common::http_config both;  // default: plain on loopback
  both.tls_listen = "127.0.0.1:8443";
  EXPECT_FALSE(refresh_cookie_secure(both, false));  // came over plain HTTP
  EXPECT_TRUE(refresh_cookie_secure(both, true));

  mothership::common::http_config plain_only;
  EXPECT_FALSE(refresh_cookie_secure(plain_only, false));

  mothership::common::http_config tls_only;
  tls_only.listen = "";
  tls_only.tls_listen = "0.0.0.0:8443";
  EXPECT_TRUE(refresh_cookie_secure(tls_only, false));
  EXPECT_TRUE(refresh_cookie_secure(tls_only, true));

  mothership::common::http_config behind_proxy;
  behind_proxy.secure_cookies = true;
  EXPECT_TRUE(refresh_cookie_secure(behind_proxy, false));
}
