#pragma once
// The subscription index: which subscribers want a message published to a topic.
//
// Topics and filters are split into levels at '/'. A filter level matches a topic level when
// it is equal to it, or when it is '+', which matches exactly one level (also an empty one).
// A final '#' matches the parent level and any number of levels below it: "a/#" matches "a",
// "a/b" and "a/b/c". Topics beginning with '$' (e.g. "$SYS/...") are never matched by a
// filter whose first level is a wildcard [MQTT-4.7.2-1]: "#" and "+/x" do not see them.
//
// The index is a trie of filter levels; matching walks the topic's levels once, following the
// exact child, the '+' child and the '#' child at each node. Shared subscriptions
// ("$share/group/filter") are stored under their filter as a group, and each message goes to
// one member of each group, taken in turn.
//
// Not thread-safe: the broker serialises access.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mothership::mqtt {

using subscriber_id = std::uint64_t;

struct subscription_options {
  std::uint8_t max_qos = 0;
  bool no_local = false;
  bool retain_as_published = false;
  std::optional<std::uint32_t> identifier;  // v5 subscription identifier
};

struct subscriber_match {
  subscriber_id who = 0;
  std::uint8_t max_qos = 0;
  bool no_local = false;  // set if every matching subscription of `who` asked for no-local
  bool retain_as_published = false;
  std::vector<std::uint32_t> identifiers;  // of every matching subscription that had one
  bool shared = false;
};

class topic_tree {
 public:
  topic_tree();
  ~topic_tree();

  // Adds, or replaces the options of, `who`'s subscription to `filter`. `share_group` is the
  // group of a "$share/group/filter" subscription (then `filter` is the part after the group).
  // Returns true when the subscription is new.
  bool subscribe(std::string_view filter, subscriber_id who, const subscription_options& options,
                 std::string_view share_group = {});
  // Returns true when the subscription existed.
  bool unsubscribe(std::string_view filter, subscriber_id who, std::string_view share_group = {});

  // Every subscriber with a subscription matching `topic`, once each: overlapping
  // subscriptions of one subscriber merge into the highest QoS [MQTT-3.3.4-2] and all their
  // identifiers. Shared groups contribute one member each.
  std::vector<subscriber_match> match(std::string_view topic);

  std::size_t size() const { return count_; }

 private:
  struct node;
  node* find_or_create(std::string_view filter);
  void collect(node& n, const std::vector<std::string_view>& levels, std::size_t depth,
               std::vector<subscriber_match>& out);
  void prune(std::string_view filter);

  std::unique_ptr<node> root_;
  std::size_t count_ = 0;
};

}  // namespace mothership::mqtt
