#include "common/ids.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace mothership::common;

TEST(ids, prefixed_and_fixed_length) {
  std::string id = new_id("usr");
  EXPECT_EQ(id.substr(0, 4), "usr_");
  EXPECT_EQ(id.size(), 4u + 26u);
  EXPECT_EQ(id.find_first_not_of("usr_0123456789ABCDEFGHJKMNPQRSTVWXYZ"), std::string::npos);
}

TEST(ids, unique_and_sortable_by_time) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(new_id("x")).second);
  std::string earlier = new_id("x");
  ::usleep(2000);
  EXPECT_LT(earlier, new_id("x"));
}

TEST(ids, ids_made_in_one_millisecond_still_sort_in_the_order_they_were_made) {
  std::string before = new_id("x");
  for (int i = 0; i < 10000; ++i) {
    std::string next = new_id("x");
    ASSERT_LT(before, next) << "after " << i << " ids";
    before = next;
  }
}
