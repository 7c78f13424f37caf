#include "ota/semver.hpp"

#include <gtest/gtest.h>

namespace mothership::ota {
namespace {

TEST(semver, parses_releases_pre_releases_and_build_metadata) {
  auto v = parse_semver("1.4.2-rc.1+build.7");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->major, 1u);
  EXPECT_EQ(v->minor, 4u);
  EXPECT_EQ(v->patch, 2u);
  EXPECT_EQ(v->prerelease, (std::vector<std::string>{"rc", "1"}));
  EXPECT_EQ(v->build, "build.7");
  EXPECT_TRUE(parse_semver("0.0.0"));
  EXPECT_TRUE(parse_semver("10.20.30-alpha-beta.0.x"));
}

TEST(semver, refuses_what_the_grammar_refuses) {
  for (const char* bad : {"", "1", "1.2", "1.2.3.4", "v1.2.3", "01.2.3", "1.02.3", "1.2.3-", "1.2.3-rc..1", "1.2.3-01",
                          "1.2.3+", "1.2.3-rc_1", " 1.2.3", "1.2.x", "99999999999999999999.0.0"})
    EXPECT_FALSE(parse_semver(bad)) << bad;
}

TEST(semver, orders_as_semver_org_section_11) {
  // The example chain of §11.4, each less than the next.
  const char* chain[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                         "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
                         "1.0.0-rc.1",  "1.0.0",         "1.0.1",
                         "1.1.0",       "2.0.0",         "10.0.0"};
  for (std::size_t i = 0; i + 1 < std::size(chain); ++i)
    EXPECT_LT(*parse_semver(chain[i]), *parse_semver(chain[i + 1])) << chain[i] << " < " << chain[i + 1];
  EXPECT_EQ(*parse_semver("1.2.3+a"), *parse_semver("1.2.3+b"));  // build metadata does not count
}

}  // namespace
}  // namespace mothership::ota
