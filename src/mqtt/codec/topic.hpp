#pragma once
// Topic names, topic filters and how they match (MQTT 5 §4.7, §4.8.2; 3.1.1 §4.7).
//
// A topic name is what a PUBLISH is sent to: a string of levels separated by '/', e.g.
// "devices/42/telemetry". Levels may be empty ("a//b", "/a" and "a/" have an empty level), the
// name is at least one character long and never contains the wildcards '+' or '#'.
//
// A topic filter is what a SUBSCRIBE asks for. It is a topic name in which whole levels may be
// wildcards:
//   '+' stands for exactly one level, whatever it holds (even an empty one): "devices/+/telemetry"
//       matches "devices/42/telemetry" but neither "devices/telemetry" nor "devices/4/2/telemetry".
//       It must fill its level: "devices/4+" is not a filter [MQTT-4.7.1-2].
//   '#' stands for any number of levels, zero included, so "devices/#" matches "devices",
//       "devices/42" and "devices/42/telemetry". It must fill the last level: "devices/#/x" and
//       "devices#" are not filters [MQTT-4.7.1-1].
// Other levels match only an identical level, byte for byte: no case folding and no Unicode
// normalisation [MQTT-4.7.3-4].
//
// Topics starting with '$' ($SYS/..., $provision/...) are the server's own: a filter whose first
// level is a wildcard does not match them [MQTT-4.7.2-1], so "#" and "+/info" do not see
// "$SYS/info", while "$SYS/#" does.
//
// A shared subscription "$share/{group}/{filter}" (MQTT 5 §4.8.2) subscribes with {filter}
// and delivers each message to one member of {group}. The group name is at least one character
// and contains none of '/', '+', '#' [MQTT-4.8.2-1, MQTT-4.8.2-2]. The codec applies this form to
// both protocol versions, so a 3.1.1 client sees the same meaning of "$share/" as a 5.0 one.
#include <optional>
#include <string_view>

namespace mothership::mqtt {

// A well-formed MQTT string, non-empty, without '+' or '#' [MQTT-3.3.2-2, MQTT-4.7.3-1].
bool valid_topic_name(std::string_view topic);

// A well-formed MQTT string, non-empty, with '+' and '#' only as whole levels and '#' only last;
// a filter starting with "$share/" must also be a well-formed shared subscription.
bool valid_topic_filter(std::string_view filter);

struct shared_subscription {
  std::string_view group;
  std::string_view filter;  // the topic filter the group subscribes with
};

// The parts of "$share/{group}/{filter}", viewing into `filter`; nullopt if `filter` is not a
// well-formed shared subscription (an ordinary filter, or a malformed "$share/..." one:
// valid_topic_filter() tells them apart).
std::optional<shared_subscription> parse_shared_subscription(std::string_view filter);

// True if `topic` (a valid topic name) is matched by `filter` (a valid, non-shared topic filter;
// for a shared subscription pass its inner filter). See the rules above.
bool topic_matches(std::string_view filter, std::string_view topic);

}  // namespace mothership::mqtt
