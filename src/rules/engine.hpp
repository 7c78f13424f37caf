#pragma once
// Evaluates alert rules against what devices report and says when an alert is raised or
// cleared. Pure: no clock, no threads, no storage. The caller feeds it samples and connection
// events (in time order for each device), calls tick(now) about once a second so that
// durations elapse, persists the transitions it gets back, and after a restart tells it which
// alerts are still open (restore_active).
//
// One (rule, device) pair goes idle -> pending -> raised -> idle:
//   pending  the condition holds but its `for` duration has not elapsed yet
//   raised   an alert is open; it is raised once and cleared once
// Only pending and raised pairs are stored. Besides them the engine keeps one small record per
// device it has seen connect or disconnect (connected or not, since when, last heartbeat):
// offline and heartbeat conditions need it, and its size does not depend on the rules.
//
// Scope: which devices a rule covers (a model, a group, a selector) is the caller's. The engine
// asks `applies(rule_id, device_id)` before it starts tracking a pair and again on each event
// for a tracked pair; a pair whose device has left the scope is dropped, with a `cleared` if it
// was raised. It is called for every sample and rule on that key, so it should be a lookup in
// memory. Without one, every rule applies to every device.
//
// Time: an alert raised by a duration carries the moment its condition was met (first true
// sample + for, disconnect + for, last heartbeat + N x interval + 1 ms) in at_ms, which can be a
// little before the tick that reports it. An event at or after that moment settles the due
// alert first (raised, then cleared if the event ends it), so the outcome does not depend on
// how often tick runs.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "rules/condition.hpp"
#include "rules/rule.hpp"

namespace mothership::rules {

enum class transition_kind { raised, cleared };

struct transition {
  transition_kind kind = transition_kind::raised;
  std::string rule_id;
  std::string device_id;
  std::int64_t at_ms = 0;             // Unix ms
  std::optional<rules::value> value;  // the sample that raised or cleared a telemetry alert
  std::string summary;                // "temperature 85.3 > 80 for 5m", "offline for 10m"
};

class engine {
 public:
  using scope_predicate = std::function<bool(const std::string& rule_id, const std::string& device_id)>;

  explicit engine(scope_predicate applies = {});

  // Replaces the rules. Pairs of rules that are gone, disabled, or whose condition or
  // heartbeat interval changed are dropped without transitions: the caller, which made the
  // change, closes their open alerts. Pairs of unchanged rules go on. A rule id appearing twice
  // keeps its first rule. A new offline rule starts counting from the disconnect of devices
  // already offline.
  void set_rules(std::vector<rule> rules);

  // An alert the caller has open from before (a restart): the pair counts as raised, so it is
  // not raised again and clears as any other. False when no enabled rule has this id (the
  // caller should close that alert itself).
  bool restore_active(const std::string& rule_id, const std::string& device_id);

  std::vector<transition> on_sample(const std::string& device_id, const std::string& key, value v, std::int64_t ts_ms);
  // A connect counts as the session's first heartbeat.
  std::vector<transition> on_connected(const std::string& device_id, std::int64_t ts_ms);
  // Ends heartbeat watching ("while connected"): open heartbeat alerts of the device clear.
  // A second disconnect in a row keeps the time of the first.
  std::vector<transition> on_disconnected(const std::string& device_id, std::int64_t ts_ms);
  // A heartbeat from a device not known as connected also counts as its connect.
  std::vector<transition> on_heartbeat(const std::string& device_id, std::int64_t ts_ms);
  // Raises what has become due at or before `now_ms`.
  std::vector<transition> tick(std::int64_t now_ms);

  // A deleted device: everything about it goes, without transitions.
  void forget_device(const std::string& device_id);

  bool is_raised(const std::string& rule_id, const std::string& device_id) const;
  // Pending and raised pairs: what memory the rules take beyond one record per device.
  std::size_t tracked_pairs() const { return pairs_.size(); }

 private:
  struct pair_key {
    std::string rule_id;
    std::string device_id;
    auto operator<=>(const pair_key&) const = default;
  };
  enum class pair_phase { pending, raised };
  struct pair_state {
    pair_phase phase = pair_phase::pending;
    std::int64_t due_ms = 0;           // pending: when it is raised unless something ends it first
    std::optional<value> last_sample;  // pending telemetry: the latest sample that held
  };
  using pair_iterator = std::map<pair_key, pair_state>::iterator;

  // Heartbeat deadlines of a connected device come one at a time, shortest rule first, so a
  // device costs one timer however many heartbeat rules there are.
  struct device_link {
    bool connected = false;
    std::int64_t since_ms = 0;  // the last connect or disconnect
    std::int64_t last_heartbeat_ms = 0;
    std::size_t next_heartbeat_rule = 0;  // index into heartbeat_rules_
    bool heartbeat_scheduled = false;
    std::int64_t heartbeat_due_ms = 0;
  };

  bool applies(const rule& r, const std::string& device_id) const;
  const rule* find_rule(const std::string& id) const;

  void evaluate_sample(const rule& r, const std::string& device_id, value v, std::int64_t ts_ms,
                       std::vector<transition>& out);
  void mark_connected(const std::string& device_id, std::int64_t ts_ms, std::string_view why,
                      std::vector<transition>& out);
  void heartbeat_seen(const std::string& device_id, device_link& link, std::int64_t ts_ms, std::string_view why,
                      std::vector<transition>& out);
  void clear_heartbeat_alerts(const std::string& device_id, std::int64_t ts_ms, std::string_view why,
                              std::vector<transition>& out);
  void fire_heartbeats(const std::string& device_id, device_link& link, std::int64_t until_ms,
                       std::vector<transition>& out);
  void schedule_heartbeat(const std::string& device_id, device_link& link);
  void unschedule_heartbeat(const std::string& device_id, device_link& link);

  void start_pending(pair_key key, std::int64_t due_ms, std::optional<value> sample);
  void settle(pair_iterator it, std::int64_t ts_ms, std::vector<transition>& out);
  void raise(pair_iterator it, std::int64_t at_ms, std::vector<transition>& out);
  void raise_new(pair_key key, std::int64_t at_ms, std::optional<value> sample, std::vector<transition>& out);
  void clear(pair_iterator it, std::int64_t at_ms, std::optional<value> sample, std::string summary,
             std::vector<transition>& out);
  void drop(pair_iterator it);

  scope_predicate applies_;
  std::vector<rule> rules_;  // enabled ones only
  std::map<std::string, std::size_t> rule_index_;
  std::unordered_map<std::string, std::vector<std::size_t>> telemetry_rules_;  // by key
  std::vector<std::size_t> offline_rules_;
  std::vector<std::size_t> heartbeat_rules_;  // shortest threshold first

  std::map<pair_key, pair_state> pairs_;
  std::set<std::pair<std::int64_t, pair_key>> pending_due_;
  std::unordered_map<std::string, device_link> links_;
  std::set<std::pair<std::int64_t, std::string>> heartbeat_due_;
};

}  // namespace mothership::rules
