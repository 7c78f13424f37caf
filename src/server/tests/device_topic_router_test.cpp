#include "server/device_topic_router.hpp"

#include <gtest/gtest.h>

#include <boost/asio/thread_pool.hpp>
#include <mutex>

using mothership::server::device_message;
using mothership::server::device_topic_router;
using mothership::server::work_lane;

namespace {

struct recorder {
  std::mutex mutex;
  std::vector<device_message> seen;
  device_topic_router::handler handler() {
    return [this](const device_message& m) {
      std::lock_guard lock(mutex);
      seen.push_back(m);
    };
  }
};

}  // namespace

TEST(device_topic_router, hands_each_message_to_the_first_matching_route_with_its_sender_and_rest) {
  boost::asio::thread_pool pool(1);
  work_lane lane("test", pool.get_executor(), 100);
  recorder state, jobs, hello;
  device_topic_router r;
  r.add("devices/+/state", lane, state.handler());
  r.add("devices/+/jobs/#", lane, jobs.handler());
  r.add("$provision/+/hello", lane, hello.handler());

  EXPECT_TRUE(r.route("devices/dev_1/state", "{}"));
  EXPECT_TRUE(r.route("devices/dev_2/jobs/job_9/update", "{\"status\":\"SUCCEEDED\"}"));
  EXPECT_TRUE(r.route("devices/dev_3/jobs", ""));  // '#' matches zero levels
  EXPECT_TRUE(r.route("$provision/SN-1/hello", "hi"));
  EXPECT_FALSE(r.route("devices/dev_1/telemetry", "{}"));
  EXPECT_FALSE(r.route("devices/dev_1/state/extra", "{}"));
  pool.join();

  ASSERT_EQ(state.seen.size(), 1u);
  EXPECT_EQ(state.seen[0].sender, "dev_1");
  EXPECT_EQ(state.seen[0].payload, "{}");
  ASSERT_EQ(jobs.seen.size(), 2u);
  EXPECT_EQ(jobs.seen[0].sender, "dev_2");
  EXPECT_EQ(jobs.seen[0].rest, "job_9/update");
  EXPECT_EQ(jobs.seen[1].sender, "dev_3");
  EXPECT_EQ(jobs.seen[1].rest, "");
  ASSERT_EQ(hello.seen.size(), 1u);
  EXPECT_EQ(hello.seen[0].sender, "SN-1");
  EXPECT_EQ(hello.seen[0].topic, "$provision/SN-1/hello");
}

TEST(device_topic_router, lists_its_filters_to_subscribe_to) {
  boost::asio::thread_pool pool(1);
  work_lane lane("test", pool.get_executor(), 1);
  device_topic_router r;
  r.add("devices/+/state", lane, [](const device_message&) {});
  r.add("devices/+/jobs/#", lane, [](const device_message&) {});
  EXPECT_EQ(r.filters(), (std::vector<std::string>{"devices/+/state", "devices/+/jobs/#"}));
}

TEST(device_topic_router, refuses_filters_without_exactly_one_sender_level) {
  boost::asio::thread_pool pool(1);
  work_lane lane("test", pool.get_executor(), 1);
  device_topic_router r;
  auto nothing = [](const device_message&) {};
  EXPECT_THROW(r.add("devices/state", lane, nothing), std::invalid_argument);
  EXPECT_THROW(r.add("devices/+/+/state", lane, nothing), std::invalid_argument);
  EXPECT_THROW(r.add("devices/#/x", lane, nothing), std::invalid_argument);
}

TEST(device_topic_router, a_message_its_lane_has_no_room_for_goes_to_the_routes_when_full_handler) {
  boost::asio::thread_pool pool(1);
  std::mutex hold;
  std::unique_lock held(hold);  // the lane's first job waits on it, so the lane stays full
  work_lane lane("test", pool.get_executor(), 1);
  recorder jobs, busy;
  device_topic_router r;
  r.add(
      "devices/+/jobs/#", lane,
      [&](const device_message& m) {
        std::lock_guard wait(hold);
        jobs.handler()(m);
      },
      busy.handler());
  EXPECT_TRUE(r.route("devices/dev_1/jobs/start-next", "{\"clientToken\":\"a\"}"));
  // The lane holds one (running or queued); keep offering until one is turned away.
  bool refused = false;
  int offered = 1;
  for (; offered < 4 && !refused; ++offered)
    refused = !r.route("devices/dev_2/jobs/start-next", "{\"clientToken\":\"b\"}");
  EXPECT_TRUE(refused);
  held.unlock();
  pool.join();
  ASSERT_FALSE(busy.seen.empty());
  EXPECT_EQ(busy.seen[0].sender, "dev_2");
  EXPECT_EQ(busy.seen[0].rest, "start-next");
  EXPECT_EQ(busy.seen[0].payload, "{\"clientToken\":\"b\"}");
  EXPECT_EQ(static_cast<int>(jobs.seen.size() + busy.seen.size()), offered);  // each message one way, once
}
