#include "server/work_lane.hpp"

#include <gtest/gtest.h>

#include <boost/asio/thread_pool.hpp>
#include <future>
#include <vector>

using mothership::server::work_lane;

TEST(work_lane, runs_work_one_at_a_time_in_the_order_it_was_posted) {
  boost::asio::thread_pool pool(4);
  work_lane lane("ordered", pool.get_executor(), 1000);
  std::vector<int> order;  // no lock: the lane never runs two items at once
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(lane.post([&order, i] { order.push_back(i); }));
  pool.join();
  ASSERT_EQ(order.size(), 500u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(order[i], i);
  EXPECT_EQ(lane.done(), 500u);
  EXPECT_EQ(lane.queued(), 0u);
}

TEST(work_lane, refuses_work_beyond_its_limit_and_counts_the_drops) {
  boost::asio::thread_pool pool(1);
  work_lane lane("small", pool.get_executor(), 2);
  std::promise<void> release;
  auto gate = release.get_future().share();
  EXPECT_TRUE(lane.post([gate] { gate.wait(); }));  // holds the lane
  EXPECT_TRUE(lane.post([] {}));
  EXPECT_FALSE(lane.post([] {}));
  EXPECT_FALSE(lane.post([] {}));
  EXPECT_EQ(lane.dropped(), 2u);
  EXPECT_EQ(lane.queued(), 2u);
  lane.post_always([] {});  // bounded elsewhere: never refused
  EXPECT_EQ(lane.queued(), 3u);
  release.set_value();
  pool.join();
  EXPECT_EQ(lane.done(), 3u);
  EXPECT_EQ(lane.queued(), 0u);
}

TEST(work_lane, a_failing_item_is_counted_and_the_next_one_still_runs) {
  boost::asio::thread_pool pool(1);
  work_lane lane("failing", pool.get_executor(), 10);
  bool ran = false;
  lane.post([] { throw std::runtime_error("bad message"); });
  lane.post([&ran] { ran = true; });
  pool.join();
  EXPECT_TRUE(ran);
  EXPECT_EQ(lane.failed(), 1u);
}
