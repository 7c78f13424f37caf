#include "events/event_bus.hpp"

#include <gtest/gtest.h>

namespace mothership::events {
namespace {

TEST(event_bus, delivers_to_listeners_whose_prefix_matches) {
  event_bus bus;
  std::vector<std::string> mqtt_seen, all_seen;
  auto a = bus.subscribe("mqtt.", [&](const event& e) { mqtt_seen.push_back(e.type); });
  auto b = bus.subscribe("", [&](const event& e) { all_seen.push_back(e.type); });
  bus.publish({"mqtt.connected", "dev-1", {}, 0});
  bus.publish({"job.updated", "job-1", {}, 0});
  EXPECT_EQ(mqtt_seen, std::vector<std::string>{"mqtt.connected"});
  EXPECT_EQ(all_seen, (std::vector<std::string>{"mqtt.connected", "job.updated"}));
  EXPECT_EQ(bus.published(), 2u);
}

TEST(event_bus, stamps_the_time_when_missing) {
  event_bus bus;
  std::int64_t at = 0;
  auto s = bus.subscribe("", [&](const event& e) { at = e.at_ms; });
  bus.publish({"x", "", {}, 0});
  EXPECT_GT(at, 1'700'000'000'000);
  bus.publish({"x", "", {}, 42});
  EXPECT_EQ(at, 42);
}

TEST(event_bus, a_dropped_subscription_hears_nothing_more) {
  event_bus bus;
  int heard = 0;
  auto s = bus.subscribe("", [&](const event&) { ++heard; });
  bus.publish({"x", "", {}, 0});
  event_bus::subscription moved = std::move(s);
  bus.publish({"x", "", {}, 0});
  moved.reset();
  bus.publish({"x", "", {}, 0});
  EXPECT_EQ(heard, 2);
}

TEST(event_bus, a_handler_may_unsubscribe_itself_and_a_throwing_one_does_not_stop_others) {
  event_bus bus;
  int heard = 0;
  event_bus::subscription self;
  self = bus.subscribe("", [&](const event&) { self.reset(); });
  auto thrower = bus.subscribe("", [](const event&) { throw std::runtime_error("boom"); });
  auto counter = bus.subscribe("", [&](const event&) { ++heard; });
  bus.publish({"x", "", {}, 0});
  bus.publish({"x", "", {}, 0});
  EXPECT_EQ(heard, 2);
}

}  // namespace
}  // namespace mothership::events
