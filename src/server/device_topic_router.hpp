#pragma once
// Routes what devices publish to the domain that handles it. Each route is a topic filter
// whose one '+' level names the sender (a device id, or a serial under $provision/), and a
// handler that runs on a work_lane: routes that must stay in order with each other share a
// lane, the others get their own, so a busy route never holds up a quiet one.
//
//   router.add("devices/+/state", lifecycle, on_state);
//   router.add("devices/+/jobs/#", jobs, on_job_request);   // levels after '+' in `rest`
//
// The broker has already checked that the sender may publish there (fleet_policy: a device
// only under its own id), so the '+' level is the authenticated sender.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/work_lane.hpp"

namespace mothership::server {

struct device_message {
  std::string topic;
  std::string sender;  // the level the filter's '+' matched
  std::string rest;    // what follows the '+' level and the filter's fixed levels, for a filter ending in '#'
  std::string payload;
};

class device_topic_router {
 public:
  using handler = std::function<void(const device_message&)>;

  // `filter` is a valid topic filter with exactly one '+' level. The first matching route wins.
  // `when_full`, if given, runs at once on the caller's thread for a message its lane had no
  // room for: a route whose senders wait for an answer tells them to ask again (it must be
  // cheap and thread-safe), rather than leave them waiting for one that never comes.
  void add(std::string filter, work_lane& lane, handler h, handler when_full = {});

  // Any thread: posts the message to its route's lane. False when no route matches or the
  // lane is full (counted there).
  bool route(std::string topic, std::string payload) const;

  // What to subscribe to.
  std::vector<std::string> filters() const;

 private:
  struct entry {
    std::string filter;
    std::size_t sender_level;  // index of the '+' level
    std::size_t fixed_levels;  // levels before a trailing '#' (all of them without one)
    bool multi_level;          // ends in '#'
    work_lane* lane;
    handler on_message;
    handler when_full;
  };
  std::vector<entry> routes_;
};

}  // namespace mothership::server
