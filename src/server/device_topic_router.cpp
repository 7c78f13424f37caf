#include "server/device_topic_router.hpp"

#include <memory>
#include <stdexcept>

#include "mqtt/codec/topic.hpp"

namespace mothership::server {

namespace {

std::vector<std::string_view> levels_of(std::string_view topic) {
  std::vector<std::string_view> out;
  for (;;) {
    auto slash = topic.find('/');
    out.push_back(topic.substr(0, slash));
    if (slash == std::string_view::npos) return out;
    topic.remove_prefix(slash + 1);
  }
}

}  // namespace

void device_topic_router::add(std::string filter, work_lane& lane, handler h, handler when_full) {
  if (!mqtt::valid_topic_filter(filter)) throw std::invalid_argument("not a topic filter: " + filter);
  auto levels = levels_of(filter);
  std::size_t sender = levels.size();
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (levels[i] != "+") continue;
    if (sender != levels.size()) throw std::invalid_argument("more than one '+' in " + filter);
    sender = i;
  }
  if (sender == levels.size()) throw std::invalid_argument("no '+' sender level in " + filter);
  bool multi = levels.back() == "#";
  routes_.push_back({std::move(filter), sender, multi ? levels.size() - 1 : levels.size(), multi, &lane, std::move(h),
                     std::move(when_full)});
}

bool device_topic_router::route(std::string topic, std::string payload) const {
  for (const auto& r : routes_) {
    if (!mqtt::topic_matches(r.filter, topic)) continue;
    auto levels = levels_of(topic);
    device_message m;
    m.sender = std::string(levels[r.sender_level]);
    if (r.multi_level && levels.size() > r.fixed_levels) {
      // The offset of level `fixed_levels` in the topic: every earlier level plus its '/'.
      std::size_t offset = 0;
      for (std::size_t i = 0; i < r.fixed_levels; ++i) offset += levels[i].size() + 1;
      m.rest = topic.substr(offset);
    }
    m.topic = std::move(topic);
    m.payload = std::move(payload);
    auto message = std::make_shared<const device_message>(std::move(m));
    const handler* h = &r.on_message;
    if (r.lane->post([h, message] { (*h)(*message); })) return true;
    if (r.when_full) r.when_full(*message);
    return false;
  }
  return false;
}

std::vector<std::string> device_topic_router::filters() const {
  std::vector<std::string> out;
  for (const auto& r : routes_) out.push_back(r.filter);
  return out;
}

}  // namespace mothership::server
