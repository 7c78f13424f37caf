#include "api/static_site.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace mothership::api;
namespace fs = std::filesystem;

namespace {
class static_site_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ms_site_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "assets");
    std::ofstream(dir_ / "index.html") << "<html>portal</html>";
    std::ofstream(dir_ / "assets" / "app-1234.js") << "console.log(1)";
  }
  void TearDown() override { fs::remove_all(dir_); }
  http_request get(std::string path) {
    http_request r;
    r.method = "GET";
    r.path = std::move(path);
    return r;
  }
  const std::string* header(const http_response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return &v;
    return nullptr;
  }
  fs::path dir_;
};
}  // namespace

TEST_F(static_site_test, serves_files_with_cache_policy) {
  static_site site(dir_.string());
  auto js = site.serve(get("/assets/app-1234.js"));
  ASSERT_TRUE(js);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(*header(*js, "Cache-Control"), "public, max-age=31536000, immutable");
  auto index = site.serve(get("/"));
  ASSERT_TRUE(index);
  EXPECT_EQ(*header(*index, "Cache-Control"), "no-cache");
}

TEST_F(static_site_test, portal_routes_fall_back_to_index_but_api_and_missing_files_do_not) {
  static_site site(dir_.string());
  auto route = site.serve(get("/users/usr_1"));
  ASSERT_TRUE(route);
  EXPECT_EQ(route->body, "<html>portal</html>");
  EXPECT_FALSE(site.serve(get("/api/v1/nothing")));
  EXPECT_FALSE(site.serve(get("/assets/missing.js")));
  EXPECT_FALSE(site.serve(get("/../../etc/passwd.txt")));
}

TEST_F(static_site_test, etag_gives_304) {
  static_site site(dir_.string());
  auto first = site.serve(get("/index.html"));
  auto again = get("/index.html");
  again.headers["if-none-match"] = *header(*first, "ETag");
  EXPECT_EQ(site.serve(again)->status, 304);
}

TEST_F(static_site_test, portal_files_carry_the_portal_policy_and_leave_the_rest_to_the_writer) {
  static_site site(dir_.string());
  for (const char* path : {"/", "/assets/app-1234.js", "/devices"}) {
    auto r = site.serve(get(path));
    ASSERT_TRUE(r) << path;
    ASSERT_TRUE(header(*r, "Content-Security-Policy")) << path;
    EXPECT_EQ(*header(*r, "Content-Security-Policy"),
              "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'");
    // The writer adds nosniff to every answer; the site adding it too sent it twice.
    EXPECT_FALSE(header(*r, "X-Content-Type-Options")) << path;
  }
}

TEST_F(static_site_test, a_page_with_the_nonce_placeholder_gets_a_fresh_nonce_for_styles_and_is_not_cached) {
  std::ofstream(dir_ / "index.html") << R"(<meta property="csp-nonce" nonce="MOTHERSHIP_CSP_NONCE">)"
                                     << R"(<script src="/assets/app-1234.js" nonce="MOTHERSHIP_CSP_NONCE"></script>)";
  static_site site(dir_.string());
  auto first = site.serve(get("/"));
  auto second = site.serve(get("/devices"));
  ASSERT_TRUE(first && second);
  const std::string policy = *header(*first, "Content-Security-Policy");
  const std::string base = "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'";
  ASSERT_EQ(policy.rfind(base + "; style-src 'self' 'nonce-", 0), 0u) << policy;
  std::string nonce = policy.substr(policy.find("'nonce-") + 7);
  nonce.pop_back();  // the closing quote
  EXPECT_EQ(nonce.size(), 24u);
  EXPECT_EQ(first->body.find("MOTHERSHIP_CSP_NONCE"), std::string::npos);
  EXPECT_NE(first->body.find("nonce=\"" + nonce + "\"></script>"), std::string::npos);
  EXPECT_NE(first->body.find("<meta property=\"csp-nonce\" nonce=\"" + nonce + "\">"), std::string::npos);
  EXPECT_NE(*header(*second, "Content-Security-Policy"), policy);  // one nonce per answer
  EXPECT_EQ(*header(*first, "Cache-Control"), "no-store");
  EXPECT_FALSE(header(*first, "ETag"));  // a 304 would revive a page whose nonce the new policy lacks
  // Other files keep their caching and the plain portal policy.
  auto js = site.serve(get("/assets/app-1234.js"));
  EXPECT_EQ(*header(*js, "Content-Security-Policy"), base);
  EXPECT_TRUE(header(*js, "ETag"));
}
