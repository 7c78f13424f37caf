#include "mqtt/broker/session_table.hpp"

namespace mothership::mqtt {

std::shared_ptr<session> session_table::add(std::string client_id, identity who, const session_limits& limits) {
  std::uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  const subscriber_id id = (subscriber_id{++serial_} << 32) | slot;
  auto s = std::make_shared<session>(std::move(client_id), id, std::move(who), limits);
  slots_[slot] = s;
  by_client_id_.insert(s.get());
  return s;
}

std::shared_ptr<session> session_table::find(std::string_view client_id) const {
  auto it = by_client_id_.find(client_id);
  if (it == by_client_id_.end()) return nullptr;
  return slots_[static_cast<std::uint32_t>((*it)->id())];
}

session* session_table::find(subscriber_id id) const {
  const auto slot = static_cast<std::uint32_t>(id);
  if (slot >= slots_.size() || !slots_[slot] || slots_[slot]->id() != id) return nullptr;
  return slots_[slot].get();
}

void session_table::remove(const session& s) {
  auto it = by_client_id_.find(s.client_id());
  if (it == by_client_id_.end() || *it != &s) return;
  by_client_id_.erase(it);
  const auto slot = static_cast<std::uint32_t>(s.id());
  free_slots_.push_back(slot);
  slots_[slot].reset();  // last: `s` may be the session this frees
}

}  // namespace mothership::mqtt
