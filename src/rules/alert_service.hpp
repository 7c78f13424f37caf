#pragma once
// Alerts, wired: the rules in the database, the engine (engine.hpp) fed with devices' samples
// and connection events, and the alerts it raises and clears, stored, audited and announced
// (the event bus: alert.raised | alert.acknowledged | alert.cleared; `publish`: MQTT
// `$alerts/<rule id>/<device id>`).
//
// Threads: one worker owns the engine and the scopes. Feeds (on_samples, on_connected, ...)
// only queue and return, so ingest and the broker never wait on the rules; past `queue_limit`
// inputs waiting, samples are dropped and counted (connection events never are: one per
// connection). Rule changes run on the worker too, before the inputs that wait, so that a
// change, the alerts it closes and the engine's view of it happen in one order.
//
// Durations are measured on the server's clock (the time samples were received), so a device
// whose clock is off neither raises early nor late.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "audit/audit_log.hpp"
#include "events/event_bus.hpp"
#include "rules/alert.hpp"
#include "rules/engine.hpp"
#include "rules/errors.hpp"
#include "storage/database.hpp"

namespace mothership::rules {

struct alert_settings {
  std::chrono::milliseconds tick{1000};          // how often durations are looked at
  std::chrono::seconds scope_refresh{30};        // scopes read again at least this often
  std::chrono::milliseconds scope_settle{2000};  // after a device change, at most this late
  std::size_t queue_limit = 100000;              // inputs waiting for the worker
};

// A rule as asked for: everything for a create; what is given for a change.
struct rule_input {
  std::optional<std::string> name;
  std::optional<std::string> condition;
  std::optional<rules::severity> severity;
  std::optional<bool> enabled;
  std::optional<int> heartbeat_interval_s;
  std::optional<rule_scope> scope;
};

struct sample_input {
  std::string device_id;
  std::string key;
  value v;
  std::int64_t at_ms = 0;  // when the server received it
};

struct alert_stats {
  std::atomic<std::uint64_t> raised{0};
  std::atomic<std::uint64_t> cleared{0};
  std::atomic<std::uint64_t> samples{0};          // evaluated
  std::atomic<std::uint64_t> samples_dropped{0};  // the queue was full
  std::atomic<std::uint64_t> store_failures{0};   // transitions that could not be stored
};

class alert_service {
 public:
  using publish_fn = std::function<void(const std::string& topic, const std::string& payload)>;

  alert_service(storage::database& db, audit::audit_log& audit, events::event_bus& bus, alert_settings s = {});
  ~alert_service();
  alert_service(const alert_service&) = delete;
  alert_service& operator=(const alert_service&) = delete;

  // Loads the rules, takes the open alerts back, counts `offline for` of every device from when
  // it was last seen, and starts the worker. Before devices connect.
  void start(publish_fn publish = {});
  void stop();  // idempotent

  // Feeds: any thread, quick.
  // The keys some enabled telemetry rule watches (the caller passes only their samples).
  std::shared_ptr<const std::unordered_set<std::string>> watched_keys() const;
  void on_samples(std::vector<sample_input> samples);
  void on_connected(const std::string& device_id, std::int64_t at_ms);
  void on_disconnected(const std::string& device_id, std::int64_t at_ms);
  void on_heartbeat(const std::string& device_id, std::int64_t at_ms);
  // A device's labels, groups or lifecycle may have changed: scopes are read again soon.
  void devices_changed();
  // A decommissioned or deleted device: the engine forgets it and its open alerts clear.
  void on_device_gone(const std::string& device_id);

  std::vector<rule_record> rules();
  result<rule_record> find_rule(const std::string& id);
  result<rule_record> create(const rule_input& in, const audit::change_author& by);
  result<rule_record> update(const std::string& id, const rule_input& in, const audit::change_author& by);
  std::optional<refusal> remove(const std::string& id, const audit::change_author& by);

  alert_page alerts(const alert_filter& f);
  result<alert> find_alert(const std::string& id);
  result<alert> acknowledge(const std::string& id, const std::optional<std::string>& note,
                            const audit::change_author& by);

  const alert_stats& stats() const { return stats_; }
  std::size_t queued() const;
  std::size_t tracked_pairs() const { return tracked_pairs_.load(); }

 private:
  struct input {
    enum class kind { samples, connected, disconnected, heartbeat, gone } what;
    std::string device_id;
    std::int64_t at_ms = 0;
    std::vector<sample_input> samples;
  };

  void run();
  // Runs `work` on the worker and waits for it; false when the worker is not running.
  bool on_worker(std::function<void()> work);
  void push(input in, bool droppable);

  void load_rules();  // worker: rules from the database into the engine, scopes and keys
  void refresh_scopes();
  bool in_scope(const std::string& rule_id, const std::string& device_id) const;
  void apply(std::vector<transition> transitions);
  void announce(const std::string& type, const alert& a);
  // Closes the open alerts of a rule inside a change's transaction; returns them as closed.
  std::vector<alert> close_open(storage::connection& c, const std::string& rule_id, const std::string& why,
                                std::int64_t at);
  std::optional<refusal> validate(storage::connection& c, rule_record& r, const rule_input& in);

  storage::database& db_;
  audit::audit_log& audit_;
  events::event_bus& bus_;
  alert_settings settings_;
  publish_fn publish_;
  alert_stats stats_;

  // Worker only.
  engine engine_;
  std::unordered_map<std::string, rule_record> rules_;                       // all, by id
  std::unordered_map<std::string, std::unordered_set<std::string>> scopes_;  // scoped rules' members
  std::chrono::steady_clock::time_point scopes_read_{};

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> commands_;
  std::vector<input> inputs_;
  std::size_t queued_samples_ = 0;
  bool running_ = false;
  bool stopping_ = false;
  bool devices_changed_ = false;
  std::chrono::steady_clock::time_point devices_changed_at_{};
  std::shared_ptr<const std::unordered_set<std::string>> watched_;
  std::atomic<std::size_t> tracked_pairs_{0};
  std::thread worker_;
};

}  // namespace mothership::rules
