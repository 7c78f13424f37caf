#pragma once
// The in-process event bus: domain events (a device connected, a job changed, ...) from the
// module where they happen to whoever listens (the portal's live stream, the registry's
// online status, later NATS across nodes). Publishing never waits on a listener's I/O:
// handlers run on the publisher's thread and must be quick (post real work elsewhere).
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace mothership::events {

struct event {
  std::string type;     // dotted, e.g. "mqtt.connected"
  std::string subject;  // what it is about, e.g. a client or device id
  boost::json::object data;
  std::int64_t at_ms = 0;  // UTC milliseconds; publish() fills it when zero
};

class event_bus {
 public:
  using handler = std::function<void(const event&)>;

  // Unsubscribes when destroyed. The bus must outlive it.
  class subscription {
   public:
    subscription() = default;
    subscription(subscription&& other) noexcept : bus_(std::exchange(other.bus_, nullptr)), id_(other.id_) {}
    subscription& operator=(subscription&& other) noexcept {
      if (this != &other) {
        reset();
        bus_ = std::exchange(other.bus_, nullptr);
        id_ = other.id_;
      }
      return *this;
    }
    ~subscription() { reset(); }
    void reset();

   private:
    friend class event_bus;
    subscription(event_bus* bus, std::uint64_t id) : bus_(bus), id_(id) {}
    event_bus* bus_ = nullptr;
    std::uint64_t id_ = 0;
  };

  // Events whose type starts with `type_prefix` ("" = all).
  [[nodiscard]] subscription subscribe(std::string type_prefix, handler h);
  void publish(event e);

  std::uint64_t published() const;

 private:
  struct listener {
    std::uint64_t id;
    std::string prefix;
    std::shared_ptr<const handler> call;
  };
  void unsubscribe(std::uint64_t id);

  mutable std::mutex mutex_;
  std::vector<listener> listeners_;
  std::uint64_t next_id_ = 1;
  std::uint64_t published_ = 0;
};

}  // namespace mothership::events
