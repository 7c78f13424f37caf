#pragma once
// What happens to the agent while it waits: a message arrived, the connection was lost, or it
// was asked to stop. The MQTT library's threads and the signal thread push; the agent's one
// control thread waits. A stop request is sticky: once made, every wait returns it at once.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

namespace mothership::agent {

struct message_event {
  std::string topic;
  std::string payload;
};

struct lost_event {
  std::string cause;
  int reason = -1;  // the MQTT 5 DISCONNECT reason code from the server, -1 when none was sent
};

struct stop_event {};

using event = std::variant<message_event, lost_event, stop_event>;

class event_queue {
 public:
  void push(event e);
  void request_stop();
  bool stop_requested() const;
  // The next event, or nullopt at the deadline.
  std::optional<event> wait_until(std::chrono::steady_clock::time_point deadline);
  // Forgets what an earlier connection left behind.
  void clear();

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<event> events_;
  bool stop_ = false;
};

// Sleeps until `deadline` unless a stop is requested first; other events are dropped (there is
// no connection to receive them). Returns false when stopped.
bool sleep_until(event_queue& events, std::chrono::steady_clock::time_point deadline);

}  // namespace mothership::agent
