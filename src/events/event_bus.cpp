#include "events/event_bus.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/clock.hpp"

namespace mothership::events {

void event_bus::subscription::reset() {
  if (bus_) bus_->unsubscribe(id_);
  bus_ = nullptr;
}

event_bus::subscription event_bus::subscribe(std::string type_prefix, handler h) {
  std::lock_guard lock(mutex_);
  auto id = next_id_++;
  listeners_.push_back({id, std::move(type_prefix), std::make_shared<const handler>(std::move(h))});
  return subscription(this, id);
}

void event_bus::unsubscribe(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  std::erase_if(listeners_, [id](const listener& l) { return l.id == id; });
}

void event_bus::publish(event e) {
  if (e.at_ms == 0) e.at_ms = common::now_ms();
  std::vector<std::shared_ptr<const handler>> targets;
  {
    std::lock_guard lock(mutex_);
    ++published_;
    for (const auto& l : listeners_)
      if (e.type.compare(0, l.prefix.size(), l.prefix) == 0) targets.push_back(l.call);
  }
  // Outside the lock: a handler may subscribe, unsubscribe or publish.
  for (const auto& call : targets) {
    try {
      (*call)(e);
    } catch (const std::exception& ex) {
      spdlog::error("event handler failed on {}: {}", e.type, ex.what());
    }
  }
}

std::uint64_t event_bus::published() const {
  std::lock_guard lock(mutex_);
  return published_;
}

}  // namespace mothership::events
