// The README's configuration table must name every setting the server has.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/config.hpp"

TEST(readme, documents_every_setting_and_its_environment_variable) {
  std::ifstream in(std::string(MOTHERSHIP_SOURCE_DIR) + "/README.md");
  std::stringstream text;
  text << in.rdbuf();
  for (const auto& s : mothership::common::settings()) {
    EXPECT_NE(text.str().find("`" + s.name + "`"), std::string::npos) << s.name << " is not in README.md";
    EXPECT_NE(text.str().find("`" + s.env + "`"), std::string::npos) << s.env << " is not in README.md";
  }
}
