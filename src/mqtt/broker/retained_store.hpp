#pragma once
// Retained messages: the last retained message of each topic, given to new subscribers.
// A retained PUBLISH with an empty payload clears its topic [MQTT-3.3.1-6/7].
#include <map>
#include <string>
#include <vector>

#include "mqtt/broker/message.hpp"

namespace mothership::mqtt {

class retained_store {
 public:
  explicit retained_store(std::size_t limit) : limit_(limit) {}

  enum class outcome { stored, replaced, cleared, refused_full };
  outcome put(const message_ptr& m);  // m->retain is set
  std::vector<message_ptr> matching(std::string_view filter, steady_time now) const;
  std::size_t size() const { return by_topic_.size(); }

 private:
  std::size_t limit_;
  std::map<std::string, message_ptr, std::less<>> by_topic_;
};

}  // namespace mothership::mqtt
