#pragma once
// What happens to the agent while it waits: a message arrived, the connection was lost, or it
// was asked to stop. The MQTT library's threads and the signal thread push; the agent's one
// control thread waits. A stop request is sticky: once made, every wait returns it at once.

#include <chrono>
#include <condition_variable>
#include <cstdint>
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

// From the firmware download's thread (downloader.hpp). They outlive the connection that was
// up when they were sent: a download goes on while the agent reconnects.
struct download_progress {
  std::string job_id;
  std::uint64_t have = 0;
  std::uint64_t total = 0;
};

struct download_finished {
  std::string job_id;
  bool complete = false;  // every byte is in the file; `sha256` is what they hash to
  std::string sha256;
  long http_status = 0;  // of a refusal (403: the link expired or is not this device's)
  std::string error;
};

using event = std::variant<message_event, lost_event, stop_event, download_progress, download_finished>;

class event_queue {
 public:
  void push(event e);
  void request_stop();
  bool stop_requested() const;
  // The next event, or nullopt at the deadline.
  std::optional<event> wait_until(std::chrono::steady_clock::time_point deadline);
  // Forgets what an earlier connection left behind (messages, its loss); download events stay.
  void clear();

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<event> events_;
  bool stop_ = false;
};

// Sleeps until `deadline` unless a stop is requested first; connection events are dropped
// (there is no connection to receive them), download events kept for later. Returns false when
// stopped.
bool sleep_until(event_queue& events, std::chrono::steady_clock::time_point deadline);

}  // namespace mothership::agent
