#include "mqtt/broker/topic_tree.hpp"

#include <algorithm>

namespace mothership::mqtt {

struct topic_tree::node {
  struct shared_group {
    std::vector<std::pair<subscriber_id, subscription_options>> members;
    std::size_t next = 0;  // whose turn it is
  };
  std::unordered_map<std::string, std::unique_ptr<node>> children;  // by level; "+" and "#" included
  std::vector<std::pair<subscriber_id, subscription_options>> subscribers;
  std::map<std::string, shared_group, std::less<>> groups;

  bool empty() const { return children.empty() && subscribers.empty() && groups.empty(); }
};

namespace {

std::vector<std::string_view> split_levels(std::string_view text) {
  std::vector<std::string_view> levels;
  std::size_t start = 0;
  for (;;) {
    std::size_t slash = text.find('/', start);
    if (slash == std::string_view::npos) {
      levels.push_back(text.substr(start));
      return levels;
    }
    levels.push_back(text.substr(start, slash - start));
    start = slash + 1;
  }
}

void add_match(std::vector<subscriber_match>& out, subscriber_id who, const subscription_options& o, bool shared) {
  subscriber_match m{who, o.max_qos, o.no_local, o.retain_as_published, {}, shared};
  if (o.identifier) m.identifiers.push_back(*o.identifier);
  out.push_back(std::move(m));
}

}  // namespace

topic_tree::topic_tree() : root_(std::make_unique<node>()) {}
topic_tree::~topic_tree() = default;

topic_tree::node* topic_tree::find_or_create(std::string_view filter) {
  node* n = root_.get();
  for (auto level : split_levels(filter)) {
    auto& child = n->children[std::string(level)];
    if (!child) child = std::make_unique<node>();
    n = child.get();
  }
  return n;
}

bool topic_tree::subscribe(std::string_view filter, subscriber_id who, const subscription_options& options,
                           std::string_view share_group) {
  node* n = find_or_create(filter);
  auto& list = share_group.empty() ? n->subscribers : n->groups[std::string(share_group)].members;
  for (auto& [id, existing] : list) {
    if (id == who) {
      existing = options;  // a repeated SUBSCRIBE replaces the options [MQTT-3.8.4-3]
      return false;
    }
  }
  list.emplace_back(who, options);
  ++count_;
  return true;
}

bool topic_tree::unsubscribe(std::string_view filter, subscriber_id who, std::string_view share_group) {
  node* n = root_.get();
  for (auto level : split_levels(filter)) {
    auto it = n->children.find(std::string(level));
    if (it == n->children.end()) return false;
    n = it->second.get();
  }
  std::vector<std::pair<subscriber_id, subscription_options>>* list = &n->subscribers;
  if (!share_group.empty()) {
    auto g = n->groups.find(share_group);
    if (g == n->groups.end()) return false;
    list = &g->second.members;
  }
  auto it = std::find_if(list->begin(), list->end(), [&](const auto& s) { return s.first == who; });
  if (it == list->end()) return false;
  list->erase(it);
  if (!share_group.empty() && list->empty()) n->groups.erase(n->groups.find(share_group));
  --count_;
  prune(filter);
  return true;
}

// Removes nodes left empty along the filter's path, deepest first.
void topic_tree::prune(std::string_view filter) {
  auto levels = split_levels(filter);
  std::vector<std::pair<node*, std::string>> path;  // (parent, key of child)
  node* n = root_.get();
  for (auto level : levels) {
    auto it = n->children.find(std::string(level));
    if (it == n->children.end()) return;
    path.emplace_back(n, std::string(level));
    n = it->second.get();
  }
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    auto child = it->first->children.find(it->second);
    if (!child->second->empty()) return;
    it->first->children.erase(child);
  }
}

void topic_tree::collect(node& n, const std::vector<std::string_view>& levels, std::size_t depth,
                         std::vector<subscriber_match>& out) {
  auto take = [&](node& matched) {
    for (const auto& [who, o] : matched.subscribers) add_match(out, who, o, false);
    for (auto& [name, group] : matched.groups) {
      if (group.members.empty()) continue;
      const auto& [who, o] = group.members[group.next++ % group.members.size()];
      add_match(out, who, o, true);
    }
  };
  // A wildcard in the first level never matches a '$' topic.
  bool dollar_guard = depth == 0 && !levels.empty() && !levels[0].empty() && levels[0][0] == '$';
  if (!dollar_guard) {
    if (auto hash = n.children.find("#"); hash != n.children.end()) take(*hash->second);
  }
  if (depth == levels.size()) {
    take(n);
    return;
  }
  if (auto exact = n.children.find(std::string(levels[depth])); exact != n.children.end())
    collect(*exact->second, levels, depth + 1, out);
  if (!dollar_guard) {
    if (auto plus = n.children.find("+"); plus != n.children.end()) collect(*plus->second, levels, depth + 1, out);
  }
}

std::vector<subscriber_match> topic_tree::match(std::string_view topic) {
  std::vector<subscriber_match> out;
  collect(*root_, split_levels(topic), 0, out);
  if (out.size() < 2) return out;
  // One delivery per subscriber: merge overlapping non-shared subscriptions (shared ones are
  // separate deliveries by definition).
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.shared != b.shared ? !a.shared : a.who < b.who; });
  std::vector<subscriber_match> merged;
  merged.reserve(out.size());
  for (auto& m : out) {
    if (!merged.empty() && !m.shared && !merged.back().shared && merged.back().who == m.who) {
      auto& into = merged.back();
      into.max_qos = std::max(into.max_qos, m.max_qos);
      into.no_local = into.no_local && m.no_local;
      into.retain_as_published = into.retain_as_published || m.retain_as_published;
      into.identifiers.insert(into.identifiers.end(), m.identifiers.begin(), m.identifiers.end());
    } else {
      merged.push_back(std::move(m));
    }
  }
  return merged;
}

}  // namespace mothership::mqtt
