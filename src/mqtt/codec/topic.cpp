#include "mqtt/codec/topic.hpp"

#include "mqtt/codec/utf8.hpp"

namespace mothership::mqtt {

namespace {

constexpr std::string_view share_prefix = "$share/";

// Splits off the level before the next '/', leaving `rest` after it; `last` is set when no '/' was left.
std::string_view next_level(std::string_view& rest, bool& last) {
  const auto slash = rest.find('/');
  last = slash == std::string_view::npos;
  const std::string_view level = rest.substr(0, slash);
  rest = last ? std::string_view{} : rest.substr(slash + 1);
  return level;
}

bool valid_plain_filter(std::string_view filter) {
  if (filter.empty() || !valid_mqtt_string(filter)) return false;
  bool last = false;
  while (!last) {
    const std::string_view level = next_level(filter, last);
    if (level.find('#') != std::string_view::npos && (level != "#" || !last)) return false;
    if (level.find('+') != std::string_view::npos && level != "+") return false;
  }
  return true;
}

}  // namespace

bool valid_topic_name(std::string_view topic) {
  return !topic.empty() && topic.find_first_of("+#") == std::string_view::npos && valid_mqtt_string(topic);
}

bool valid_topic_filter(std::string_view filter) {
  if (filter.starts_with(share_prefix)) return parse_shared_subscription(filter).has_value();
  return valid_plain_filter(filter);
}

std::optional<shared_subscription> parse_shared_subscription(std::string_view filter) {
  if (!filter.starts_with(share_prefix)) return std::nullopt;
  const std::string_view rest = filter.substr(share_prefix.size());
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  const std::string_view group = rest.substr(0, slash);
  if (group.find_first_of("+#") != std::string_view::npos) return std::nullopt;
  const std::string_view inner = rest.substr(slash + 1);
  if (!valid_plain_filter(inner) || !valid_mqtt_string(filter)) return std::nullopt;
  return shared_subscription{group, inner};
}

bool topic_matches(std::string_view filter, std::string_view topic) {
  if (topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#'))) return false;
  bool filter_done = false, topic_done = false;
  while (!filter_done) {
    const std::string_view f = next_level(filter, filter_done);
    if (f == "#") return true;  // zero or more levels: also matches the parent ("a/#" matches "a")
    if (topic_done) return false;
    const std::string_view t = next_level(topic, topic_done);
    if (f != "+" && f != t) return false;
  }
  return topic_done;
}

}  // namespace mothership::mqtt
