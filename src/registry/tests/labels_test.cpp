#include "registry/labels.hpp"

#include <gtest/gtest.h>

namespace mothership::registry {
namespace {

std::vector<std::string> keys_refused(const label_map& labels) {
  std::vector<std::string> out;
  for (const auto& issue : label_issues(labels)) out.push_back(issue.key);
  return out;
}

TEST(labels, keys_values_and_reserved_names) {
  EXPECT_TRUE(label_issues({{"site", "lab"}, {"example.com/rack_1-a", std::string(128, 'v')}}).empty());
  EXPECT_TRUE(label_issues({{std::string(63, 'k'), ""}}).empty());
  EXPECT_EQ(keys_refused({{"model", "x"}, {"site", "ok"}}), std::vector<std::string>{"model"});
  EXPECT_EQ(keys_refused({{"firmware_version", "x"}}), std::vector<std::string>{"firmware_version"});
  EXPECT_EQ(keys_refused({{"bad key", "x"}}), std::vector<std::string>{"bad key"});
  EXPECT_EQ(keys_refused({{std::string(64, 'k'), "x"}}), std::vector<std::string>{std::string(64, 'k')});
  EXPECT_EQ(keys_refused({{"k", std::string(129, 'v')}}), std::vector<std::string>{"k"});
  EXPECT_EQ(keys_refused({{"k", "line\nbreak"}}), std::vector<std::string>{"k"});
}

TEST(labels, a_device_has_at_most_32) {
  label_map many;
  for (int i = 0; i < 32; ++i) many["k" + std::to_string(i)] = "v";
  EXPECT_TRUE(label_issues(many).empty());
  many["one_more"] = "v";
  EXPECT_EQ(keys_refused(many), std::vector<std::string>{""});  // the whole set, not a key
}

TEST(labels, a_patch_sets_and_removes_keys_and_keeps_the_others) {
  label_map before{{"site", "a"}, {"beta", "yes"}, {"rack", "1"}};
  label_patch patch{{"site", "b"}, {"beta", std::nullopt}, {"new", "x"}, {"absent", std::nullopt}};
  EXPECT_EQ(apply_patch(before, patch), (label_map{{"site", "b"}, {"rack", "1"}, {"new", "x"}}));
  EXPECT_EQ(apply_patch(before, {}), before);
}

TEST(labels, json_round_trip_skips_what_is_not_a_string) {
  EXPECT_EQ(parse_labels_json(R"({"a":"1","n":2})"), (label_map{{"a", "1"}}));
  EXPECT_TRUE(parse_labels_json("not json").empty());
  EXPECT_TRUE(parse_labels_json("[]").empty());
  EXPECT_EQ(labels_json({{"b", "2"}, {"a", "1"}}), R"({"a":"1","b":"2"})");
}

}  // namespace
}  // namespace mothership::registry
