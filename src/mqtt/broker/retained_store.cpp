#include "mqtt/broker/retained_store.hpp"

#include "mqtt/codec/topic.hpp"

namespace mothership::mqtt {

retained_store::outcome retained_store::put(const message_ptr& m) {
  auto it = by_topic_.find(m->topic);
  if (m->payload->empty()) {
    if (it != by_topic_.end()) by_topic_.erase(it);
    return outcome::cleared;
  }
  if (it != by_topic_.end()) {
    it->second = m;
    return outcome::replaced;
  }
  if (by_topic_.size() >= limit_) return outcome::refused_full;
  by_topic_.emplace(m->topic, m);
  return outcome::stored;
}

std::vector<message_ptr> retained_store::matching(std::string_view filter, steady_time now) const {
  std::vector<message_ptr> out;
  bool wildcard = filter.find_first_of("+#") != std::string_view::npos;
  if (!wildcard) {
    auto it = by_topic_.find(filter);
    if (it != by_topic_.end() && !it->second->expired(now)) out.push_back(it->second);
    return out;
  }
  // A wildcard filter scans every retained topic; the store is bounded by its limit.
  for (const auto& [topic, m] : by_topic_)
    if (!m->expired(now) && topic_matches(filter, topic)) out.push_back(m);
  return out;
}

}  // namespace mothership::mqtt
