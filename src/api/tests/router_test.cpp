#include "api/router.hpp"

#include <gtest/gtest.h>

#include "api/routes.hpp"

using namespace mothership::api;

namespace {
http_response ok(services&, request_context&) {
  return no_content();
}
}  // namespace

TEST(router, matches_literal_and_parameter_segments) {
  router r;
  r.add({"GET", "/api/v1/users", access_rule::anyone(), ok});
  r.add({"GET", "/api/v1/users/{id}", access_rule::anyone(), ok});
  auto m = r.find("GET", "/api/v1/users/usr_1");
  ASSERT_TRUE(m.matched);
  EXPECT_EQ(m.matched->pattern, "/api/v1/users/{id}");
  EXPECT_EQ(m.params.at("id"), "usr_1");
  EXPECT_EQ(r.find("GET", "/api/v1/users").matched->pattern, "/api/v1/users");
}

TEST(router, empty_and_extra_segments_do_not_match) {
  router r;
  r.add({"GET", "/api/v1/users/{id}", access_rule::anyone(), ok});
  EXPECT_FALSE(r.find("GET", "/api/v1/users/").matched);
  EXPECT_FALSE(r.find("GET", "/api/v1/users/a/b").matched);
  EXPECT_FALSE(r.find("GET", "api/v1/users/a").matched);
}

TEST(router, wrong_method_lists_the_allowed_ones) {
  router r;
  r.add({"GET", "/x/{id}", access_rule::anyone(), ok});
  r.add({"DELETE", "/x/{id}", access_rule::anyone(), ok});
  auto m = r.find("PUT", "/x/1");
  EXPECT_FALSE(m.matched);
  EXPECT_EQ(m.allowed_methods, (std::vector<std::string>{"DELETE", "GET"}));
}

TEST(router, head_is_served_by_get) {
  router r;
  r.add({"GET", "/healthz", access_rule::anyone(), ok});
  EXPECT_TRUE(r.find("HEAD", "/healthz").matched);
}

TEST(router, duplicate_routes_are_a_programming_error) {
  router r;
  r.add({"GET", "/x", access_rule::anyone(), ok});
  EXPECT_THROW(r.add({"GET", "/x", access_rule::anyone(), ok}), std::logic_error);
}

TEST(router, every_server_route_declares_an_access_rule_that_names_a_real_permission) {
  router r;
  add_routes(r);
  ASSERT_FALSE(r.routes().empty());
  for (const auto& route : r.routes()) {
    std::string rule = route.access.describe();
    EXPECT_TRUE(rule == "public" || rule == "authenticated" || mothership::auth::parse_permission(rule))
        << route.method << " " << route.pattern;
    EXPECT_NE(route.handler, nullptr);
  }
}
