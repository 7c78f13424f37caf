#include "events.hpp"

#include <vector>

namespace mothership::agent {

void event_queue::push(event e) {
  {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(e));
  }
  changed_.notify_all();
}

void event_queue::request_stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
}

bool event_queue::stop_requested() const {
  std::lock_guard lock(mutex_);
  return stop_;
}

std::optional<event> event_queue::wait_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, deadline, [&] { return stop_ || !events_.empty(); });
  if (stop_) return stop_event{};
  if (events_.empty()) return std::nullopt;
  auto e = std::move(events_.front());
  events_.pop_front();
  return e;
}

namespace {

bool of_the_connection(const event& e) {
  return std::holds_alternative<message_event>(e) || std::holds_alternative<lost_event>(e);
}

}  // namespace

void event_queue::clear() {
  std::lock_guard lock(mutex_);
  std::erase_if(events_, of_the_connection);
}

bool sleep_until(event_queue& events, std::chrono::steady_clock::time_point deadline) {
  std::vector<event> kept;
  bool stopped = false;
  while (true) {
    auto e = events.wait_until(deadline);
    if (!e) break;
    if (std::holds_alternative<stop_event>(*e)) {
      stopped = true;
      break;
    }
    if (!of_the_connection(*e)) kept.push_back(std::move(*e));
  }
  for (auto& e : kept) events.push(std::move(e));
  return !stopped;
}

}  // namespace mothership::agent
