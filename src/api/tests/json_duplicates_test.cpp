#include "api/json_duplicates.hpp"

#include <gtest/gtest.h>

using mothership::api::first_duplicate_key;

TEST(json_duplicates, finds_a_repeated_key_at_any_depth) {
  EXPECT_EQ(first_duplicate_key(R"({"role":"viewer","role":"admin"})"), "role");
  EXPECT_EQ(first_duplicate_key(R"({"a":{"b":1,"b":2}})"), "b");
  EXPECT_EQ(first_duplicate_key(R"({"a":[{"x":1},{"y":1,"y":2}]})"), "y");
}

TEST(json_duplicates, compares_keys_after_unescaping) {
  EXPECT_EQ(first_duplicate_key(R"({"role":1,"r\u006fle":2})"), "role");
}

TEST(json_duplicates, equal_keys_in_different_objects_are_fine) {
  EXPECT_FALSE(first_duplicate_key(R"({"a":{"id":1},"b":{"id":2},"id":3})"));
  EXPECT_FALSE(first_duplicate_key(R"([{"id":1},{"id":2}])"));
  EXPECT_FALSE(first_duplicate_key(R"({"a":{"a":{"a":1}}})"));
}

TEST(json_duplicates, a_key_after_a_closed_object_belongs_to_the_outer_one) {
  EXPECT_EQ(first_duplicate_key(R"({"k":{"z":1},"z":2,"k":3})"), "k");
}

TEST(json_duplicates, invalid_json_is_left_to_the_parser) {
  EXPECT_FALSE(first_duplicate_key(R"({"a":)"));
  EXPECT_FALSE(first_duplicate_key(""));
}

TEST(json_duplicates, long_keys_in_parts_are_compared_whole) {
  std::string key(5000, 'k');
  EXPECT_EQ(first_duplicate_key("{\"" + key + "\":1,\"" + key + "\":2}"), key);
  EXPECT_FALSE(first_duplicate_key("{\"" + key + "\":1,\"" + key + "x\":2}"));
}
