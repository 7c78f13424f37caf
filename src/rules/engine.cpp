#include "rules/engine.hpp"

#include <algorithm>

namespace mothership::rules {
namespace {

constexpr std::int64_t ms_per_s = 1000;

std::int64_t heartbeat_threshold_ms(const rule& r) {
  return std::get<heartbeat_condition>(r.when).missed * std::int64_t{std::max(1, r.heartbeat_interval_s)} * ms_per_s;
}

// "temperature 85.3 > 80 for 5m": the condition with the sample that met it put after the key.
std::string raised_summary(const rule& r, const std::optional<value>& sample) {
  if (const auto* t = std::get_if<telemetry_condition>(&r.when); t && sample) {
    std::string out =
        t->key + ' ' + format_value(*sample) + ' ' + std::string(to_string(t->op)) + ' ' + format_value(t->operand);
    if (t->for_s > 0) out += " for " + format_duration(t->for_s);
    return out;
  }
  if (std::holds_alternative<heartbeat_condition>(r.when))
    return "no heartbeat for " + format_duration(heartbeat_threshold_ms(r) / ms_per_s) + " (" +
           std::to_string(std::get<heartbeat_condition>(r.when).missed) + " x " +
           format_duration(std::max(1, r.heartbeat_interval_s)) + ")";
  return describe(r.when);
}

std::string no_longer_summary(const telemetry_condition& t, const value& sample) {
  return t.key + ' ' + format_value(sample) + ", no longer " + std::string(to_string(t.op)) + ' ' +
         format_value(t.operand);
}

}  // namespace

engine::engine(scope_predicate applies) : applies_(std::move(applies)) {}

bool engine::applies(const rule& r, const std::string& device_id) const {
  return !applies_ || applies_(r.id, device_id);
}

const rule* engine::find_rule(const std::string& id) const {
  auto it = rule_index_.find(id);
  return it == rule_index_.end() ? nullptr : &rules_[it->second];
}

void engine::set_rules(std::vector<rule> rules) {
  std::vector<rule> next;
  std::map<std::string, std::size_t> next_index;
  std::set<std::string> unchanged;
  for (rule& r : rules) {
    if (!r.enabled || next_index.contains(r.id)) continue;
    const rule* old = find_rule(r.id);
    if (old && old->when == r.when && std::max(1, old->heartbeat_interval_s) == std::max(1, r.heartbeat_interval_s))
      unchanged.insert(r.id);
    next_index.emplace(r.id, next.size());
    next.push_back(std::move(r));
  }

  for (auto it = pairs_.begin(); it != pairs_.end();) {
    auto current = it++;
    if (!unchanged.contains(current->first.rule_id)) drop(current);
  }
  for (auto& [device_id, link] : links_) unschedule_heartbeat(device_id, link);

  rules_ = std::move(next);
  rule_index_ = std::move(next_index);
  telemetry_rules_.clear();
  offline_rules_.clear();
  heartbeat_rules_.clear();
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if (const auto* t = std::get_if<telemetry_condition>(&rules_[i].when)) telemetry_rules_[t->key].push_back(i);
    if (std::holds_alternative<offline_condition>(rules_[i].when)) offline_rules_.push_back(i);
    if (std::holds_alternative<heartbeat_condition>(rules_[i].when)) heartbeat_rules_.push_back(i);
  }
  std::stable_sort(heartbeat_rules_.begin(), heartbeat_rules_.end(), [this](std::size_t a, std::size_t b) {
    return heartbeat_threshold_ms(rules_[a]) < heartbeat_threshold_ms(rules_[b]);
  });

  for (auto& [device_id, link] : links_) {
    if (link.connected) {
      // Deadlines already met by rules that stay raised are skipped when they fire.
      link.next_heartbeat_rule = 0;
      schedule_heartbeat(device_id, link);
      continue;
    }
    for (std::size_t i : offline_rules_) {
      const rule& r = rules_[i];
      pair_key key{r.id, device_id};
      if (unchanged.contains(r.id) || pairs_.contains(key) || !applies(r, device_id)) continue;
      start_pending(std::move(key), link.since_ms + std::get<offline_condition>(r.when).for_s * ms_per_s, {});
    }
  }
}

bool engine::restore_active(const std::string& rule_id, const std::string& device_id) {
  if (!find_rule(rule_id)) return false;
  auto [it, inserted] = pairs_.try_emplace(pair_key{rule_id, device_id});
  if (!inserted && it->second.phase == pair_phase::pending) pending_due_.erase({it->second.due_ms, it->first});
  it->second = pair_state{pair_phase::raised};
  return true;
}

std::vector<transition> engine::on_sample(const std::string& device_id, const std::string& key, value v,
                                          std::int64_t ts_ms) {
  std::vector<transition> out;
  auto found = telemetry_rules_.find(key);
  if (found == telemetry_rules_.end()) return out;
  for (std::size_t i : found->second) evaluate_sample(rules_[i], device_id, v, ts_ms, out);
  return out;
}

void engine::evaluate_sample(const rule& r, const std::string& device_id, value v, std::int64_t ts_ms,
                             std::vector<transition>& out) {
  const auto& c = std::get<telemetry_condition>(r.when);
  pair_key key{r.id, device_id};
  auto it = pairs_.find(key);
  if (!applies(r, device_id)) {
    if (it != pairs_.end()) clear(it, ts_ms, std::nullopt, "no longer in the rule's scope", out);
    return;
  }
  std::optional<bool> holds = evaluate(c, v);
  if (!holds) return;
  if (it != pairs_.end()) settle(it, ts_ms, out);

  if (*holds) {
    if (it == pairs_.end() && c.for_s == 0) {
      raise_new(std::move(key), ts_ms, std::move(v), out);
    } else if (it == pairs_.end()) {
      start_pending(std::move(key), ts_ms + c.for_s * ms_per_s, std::move(v));
    } else if (it->second.phase == pair_phase::pending) {
      it->second.last_sample = std::move(v);
    }
  } else if (it != pairs_.end()) {
    clear(it, ts_ms, v, no_longer_summary(c, v), out);
  }
}

std::vector<transition> engine::on_connected(const std::string& device_id, std::int64_t ts_ms) {
  std::vector<transition> out;
  mark_connected(device_id, ts_ms, "connected", out);
  return out;
}

void engine::mark_connected(const std::string& device_id, std::int64_t ts_ms, std::string_view why,
                            std::vector<transition>& out) {
  for (std::size_t i : offline_rules_) {
    auto it = pairs_.find(pair_key{rules_[i].id, device_id});
    if (it == pairs_.end()) continue;
    settle(it, ts_ms, out);
    clear(it, ts_ms, std::nullopt, "back online", out);
  }
  device_link& link = links_[device_id];
  link.connected = true;
  link.since_ms = ts_ms;
  heartbeat_seen(device_id, link, ts_ms, why, out);
}

std::vector<transition> engine::on_disconnected(const std::string& device_id, std::int64_t ts_ms) {
  std::vector<transition> out;
  auto [found, first_seen] = links_.try_emplace(device_id);
  device_link& link = found->second;
  if (!first_seen && !link.connected) return out;

  fire_heartbeats(device_id, link, ts_ms, out);
  unschedule_heartbeat(device_id, link);
  clear_heartbeat_alerts(device_id, ts_ms, "disconnected", out);
  link.connected = false;
  link.since_ms = ts_ms;

  for (std::size_t i : offline_rules_) {
    const rule& r = rules_[i];
    pair_key key{r.id, device_id};
    if (pairs_.contains(key) || !applies(r, device_id)) continue;
    start_pending(std::move(key), ts_ms + std::get<offline_condition>(r.when).for_s * ms_per_s, {});
  }
  return out;
}

std::vector<transition> engine::on_heartbeat(const std::string& device_id, std::int64_t ts_ms) {
  std::vector<transition> out;
  auto found = links_.find(device_id);
  if (found == links_.end() || !found->second.connected)
    mark_connected(device_id, ts_ms, "heartbeat received", out);
  else
    heartbeat_seen(device_id, found->second, ts_ms, "heartbeat received", out);
  return out;
}

std::vector<transition> engine::tick(std::int64_t now_ms) {
  std::vector<transition> out;
  while (!pending_due_.empty() && pending_due_.begin()->first <= now_ms) {
    auto it = pairs_.find(pending_due_.begin()->second);
    const rule* r = find_rule(it->first.rule_id);
    if (r && applies(*r, it->first.device_id))
      raise(it, it->second.due_ms, out);
    else
      drop(it);
  }
  while (!heartbeat_due_.empty() && heartbeat_due_.begin()->first <= now_ms) {
    std::string device_id = heartbeat_due_.begin()->second;
    fire_heartbeats(device_id, links_.at(device_id), now_ms, out);
  }
  return out;
}

void engine::forget_device(const std::string& device_id) {
  if (auto found = links_.find(device_id); found != links_.end()) {
    unschedule_heartbeat(device_id, found->second);
    links_.erase(found);
  }
  for (const rule& r : rules_)
    if (auto it = pairs_.find(pair_key{r.id, device_id}); it != pairs_.end()) drop(it);
}

bool engine::is_raised(const std::string& rule_id, const std::string& device_id) const {
  auto it = pairs_.find(pair_key{rule_id, device_id});
  return it != pairs_.end() && it->second.phase == pair_phase::raised;
}

void engine::heartbeat_seen(const std::string& device_id, device_link& link, std::int64_t ts_ms, std::string_view why,
                            std::vector<transition>& out) {
  fire_heartbeats(device_id, link, ts_ms, out);
  clear_heartbeat_alerts(device_id, ts_ms, why, out);
  unschedule_heartbeat(device_id, link);
  link.last_heartbeat_ms = ts_ms;
  link.next_heartbeat_rule = 0;
  schedule_heartbeat(device_id, link);
}

void engine::clear_heartbeat_alerts(const std::string& device_id, std::int64_t ts_ms, std::string_view why,
                                    std::vector<transition>& out) {
  for (std::size_t i : heartbeat_rules_)
    if (auto it = pairs_.find(pair_key{rules_[i].id, device_id}); it != pairs_.end())
      clear(it, ts_ms, std::nullopt, std::string(why), out);
}

// Raises, in order, each heartbeat rule whose deadline is at or before `until_ms`.
void engine::fire_heartbeats(const std::string& device_id, device_link& link, std::int64_t until_ms,
                             std::vector<transition>& out) {
  while (link.heartbeat_scheduled && link.heartbeat_due_ms <= until_ms) {
    std::int64_t due_ms = link.heartbeat_due_ms;
    unschedule_heartbeat(device_id, link);
    const rule& r = rules_[heartbeat_rules_[link.next_heartbeat_rule]];
    pair_key key{r.id, device_id};
    if (!pairs_.contains(key) && applies(r, device_id)) raise_new(std::move(key), due_ms, std::nullopt, out);
    ++link.next_heartbeat_rule;
    schedule_heartbeat(device_id, link);
  }
}

void engine::schedule_heartbeat(const std::string& device_id, device_link& link) {
  if (!link.connected || link.next_heartbeat_rule >= heartbeat_rules_.size()) return;
  // "More than N intervals": the first millisecond past the threshold.
  link.heartbeat_due_ms =
      link.last_heartbeat_ms + heartbeat_threshold_ms(rules_[heartbeat_rules_[link.next_heartbeat_rule]]) + 1;
  link.heartbeat_scheduled = true;
  heartbeat_due_.emplace(link.heartbeat_due_ms, device_id);
}

void engine::unschedule_heartbeat(const std::string& device_id, device_link& link) {
  if (!link.heartbeat_scheduled) return;
  heartbeat_due_.erase({link.heartbeat_due_ms, device_id});
  link.heartbeat_scheduled = false;
}

void engine::start_pending(pair_key key, std::int64_t due_ms, std::optional<value> sample) {
  pending_due_.emplace(due_ms, key);
  pairs_.emplace(std::move(key), pair_state{pair_phase::pending, due_ms, std::move(sample)});
}

// A pending pair whose moment has come by `ts_ms` is raised before the event at `ts_ms` is
// applied, as if tick had run at exactly that moment.
void engine::settle(pair_iterator it, std::int64_t ts_ms, std::vector<transition>& out) {
  if (it->second.phase == pair_phase::pending && it->second.due_ms <= ts_ms) raise(it, it->second.due_ms, out);
}

void engine::raise(pair_iterator it, std::int64_t at_ms, std::vector<transition>& out) {
  pending_due_.erase({it->second.due_ms, it->first});
  it->second.phase = pair_phase::raised;
  std::optional<value> sample = std::move(it->second.last_sample);
  it->second.last_sample.reset();
  std::string summary = raised_summary(*find_rule(it->first.rule_id), sample);
  out.push_back(
      {transition_kind::raised, it->first.rule_id, it->first.device_id, at_ms, std::move(sample), std::move(summary)});
}

void engine::raise_new(pair_key key, std::int64_t at_ms, std::optional<value> sample, std::vector<transition>& out) {
  std::string summary = raised_summary(*find_rule(key.rule_id), sample);
  out.push_back({transition_kind::raised, key.rule_id, key.device_id, at_ms, std::move(sample), std::move(summary)});
  pairs_.emplace(std::move(key), pair_state{pair_phase::raised});
}

// Ends the pair; only a raised one tells the caller, since a pending one was never an alert.
void engine::clear(pair_iterator it, std::int64_t at_ms, std::optional<value> sample, std::string summary,
                   std::vector<transition>& out) {
  if (it->second.phase == pair_phase::raised)
    out.push_back({transition_kind::cleared, it->first.rule_id, it->first.device_id, at_ms, std::move(sample),
                   std::move(summary)});
  drop(it);
}

void engine::drop(pair_iterator it) {
  if (it->second.phase == pair_phase::pending) pending_due_.erase({it->second.due_ms, it->first});
  pairs_.erase(it);
}

}  // namespace mothership::rules
