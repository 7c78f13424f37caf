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
