#include "events.hpp"

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

void event_queue::clear() {
  std::lock_guard lock(mutex_);
  events_.clear();
}

bool sleep_until(event_queue& events, std::chrono::steady_clock::time_point deadline) {
  while (true) {
    auto e = events.wait_until(deadline);
    if (!e) return true;
    if (std::holds_alternative<stop_event>(*e)) return false;
  }
}

}  // namespace mothership::agent
