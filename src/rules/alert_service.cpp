#include "rules/alert_service.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <future>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "registry/group_store.hpp"
#include "registry/selector.hpp"
#include "rules/alert_json.hpp"
#include "rules/alert_store.hpp"
#include "rules/parse_condition.hpp"
#include "rules/rule_store.hpp"
#include "rules/scope.hpp"

namespace mothership::rules {

namespace json = boost::json;
using steady = std::chrono::steady_clock;

namespace {

constexpr std::size_t max_name_length = 100;
constexpr std::size_t max_model_length = 128;
constexpr int max_heartbeat_interval_s = 86400;
const audit::actor alerts_actor{"system", "alerts"};

refusal invalid(std::string field, std::string detail, std::optional<std::size_t> position = std::nullopt) {
  return {errc::invalid_rule, std::move(field), std::move(detail), position};
}

bool has_control_characters(std::string_view text) {
  for (unsigned char ch : text)
    if (ch < 0x20 || ch == 0x7f) return true;
  return false;
}

json::object scope_json(const rule_scope& s) {
  json::object out;
  if (s.model) out["model"] = *s.model;
  if (s.group_id) out["group_id"] = *s.group_id;
  if (s.selector) out["selector"] = *s.selector;
  return out;
}

json::object rule_details(const rule_record& r) {
  return {{"name", r.evaluated.name},
          {"condition", describe(r.evaluated.when)},
          {"severity", to_string(r.evaluated.severity)},
          {"enabled", r.evaluated.enabled},
          {"heartbeat_interval_s", r.evaluated.heartbeat_interval_s},
          {"scope", scope_json(r.scope)}};
}

audit::event rule_event(const audit::change_author& by, std::string action, const rule_record& r,
                        json::object details) {
  return {by.by, std::move(action), "rule", r.evaluated.id, audit::outcome::success, by.source, std::move(details)};
}

// Alert entries name the device, so that its audit trail shows them.
audit::event alert_event(audit::actor by, std::string source, std::string action, const alert& a,
                         json::object extra = {}) {
  json::object details{{"alert_id", a.id},
                       {"rule_id", a.rule_id},
                       {"rule_name", a.rule_name},
                       {"severity", to_string(a.severity)},
                       {"summary", a.summary}};
  for (auto& [k, v] : extra) details[k] = v;
  return {std::move(by),           std::move(action), "device",          a.device_id,
          audit::outcome::success, std::move(source), std::move(details)};
}

}  // namespace

alert_service::alert_service(storage::database& db, audit::audit_log& audit, events::event_bus& bus, alert_settings s)
    : db_(db),
      audit_(audit),
      bus_(bus),
      settings_(s),
      engine_(
          [this](const std::string& rule_id, const std::string& device_id) { return in_scope(rule_id, device_id); }),
      watched_(std::make_shared<const std::unordered_set<std::string>>()) {}

alert_service::~alert_service() {
  stop();
}

// --- starting and stopping --------------------------------------------------------------------

void alert_service::start(publish_fn publish) {
  publish_ = std::move(publish);
  load_rules();
  // Every device counts as offline since it was last seen: none is connected before the
  // broker listens, and those that reconnect now clear that at once.
  auto seen = db_.read_result([](storage::connection& c) { return devices_last_seen(c); });
  for (const auto& [device_id, at] : seen) engine_.on_disconnected(device_id, at);
  // Open alerts from before stay open (not raised twice); those of rules gone or disabled close.
  auto open = db_.read_result([](storage::connection& c) { return alert_store::open_alerts(c); });
  std::vector<alert> stale;
  for (auto& a : open)
    if (!engine_.restore_active(a.rule_id, a.device_id)) stale.push_back(std::move(a));
  if (!stale.empty()) {
    auto now = common::now_ms();
    db_.write([&](storage::connection& c) {
      for (auto& a : stale) {
        alert_store::clear(c, a.id, "rule no longer applies", now);
        a.state = alert_state::cleared;
        a.cleared_at = now;
        a.clear_summary = "rule no longer applies";
        audit_.append(c, alert_event(alerts_actor, "", "alert.cleared", a, {{"clear_summary", *a.clear_summary}}));
      }
    });
    for (const auto& a : stale) announce("alert.cleared", a);
  }
  spdlog::info("alerts: {} rules, {} open alerts", rules_.size(), open.size() - stale.size());
  {
    std::lock_guard lock(mutex_);
    running_ = true;
    stopping_ = false;
  }
  worker_ = std::thread([this] { run(); });
}

void alert_service::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!running_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  std::lock_guard lock(mutex_);
  running_ = false;
}

// --- feeds ------------------------------------------------------------------------------------

std::shared_ptr<const std::unordered_set<std::string>> alert_service::watched_keys() const {
  std::lock_guard lock(mutex_);
  return watched_;
}

void alert_service::push(input in, bool droppable) {
  {
    std::lock_guard lock(mutex_);
    if (!running_ || stopping_) return;
    if (droppable) {
      if (queued_samples_ + in.samples.size() > settings_.queue_limit) {
        stats_.samples_dropped += in.samples.size();
        return;
      }
      queued_samples_ += in.samples.size();
    }
    inputs_.push_back(std::move(in));
  }
  wake_.notify_one();
}

void alert_service::on_samples(std::vector<sample_input> samples) {
  if (samples.empty()) return;
  push({input::kind::samples, {}, 0, std::move(samples)}, true);
}

void alert_service::on_connected(const std::string& device_id, std::int64_t at_ms) {
  push({input::kind::connected, device_id, at_ms, {}}, false);
}

void alert_service::on_disconnected(const std::string& device_id, std::int64_t at_ms) {
  push({input::kind::disconnected, device_id, at_ms, {}}, false);
}

void alert_service::on_heartbeat(const std::string& device_id, std::int64_t at_ms) {
  push({input::kind::heartbeat, device_id, at_ms, {}}, false);
}

void alert_service::on_device_gone(const std::string& device_id) {
  push({input::kind::gone, device_id, common::now_ms(), {}}, false);
}

void alert_service::devices_changed() {
  std::lock_guard lock(mutex_);
  if (!devices_changed_) devices_changed_at_ = steady::now();
  devices_changed_ = true;
}

std::size_t alert_service::queued() const {
  std::lock_guard lock(mutex_);
  return inputs_.size();
}

// --- the worker -------------------------------------------------------------------------------

void alert_service::run() {
  auto next_tick = steady::now();
  for (;;) {
    std::deque<std::function<void()>> commands;
    std::vector<input> inputs;
    bool reread_scopes = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_tick, [&] { return stopping_ || !commands_.empty() || !inputs_.empty(); });
      if (stopping_ && commands_.empty() && inputs_.empty()) return;
      commands.swap(commands_);
      inputs.swap(inputs_);
      queued_samples_ = 0;
      if (devices_changed_ && steady::now() - devices_changed_at_ >= settings_.scope_settle) {
        devices_changed_ = false;
        reread_scopes = true;
      }
    }
    for (auto& command : commands) command();
    auto now = steady::now();
    if (reread_scopes || now - scopes_read_ >= settings_.scope_refresh) {
      try {
        refresh_scopes();
      } catch (const std::exception& e) {
        spdlog::error("alerts: reading the rules' scopes failed: {}", e.what());
      }
    }

    std::vector<transition> out;
    auto add = [&](std::vector<transition> more) { std::move(more.begin(), more.end(), std::back_inserter(out)); };
    std::vector<std::string> gone;
    for (auto& in : inputs) {
      switch (in.what) {
        case input::kind::samples:
          stats_.samples += in.samples.size();
          for (auto& s : in.samples) add(engine_.on_sample(s.device_id, s.key, std::move(s.v), s.at_ms));
          break;
        case input::kind::connected:
          add(engine_.on_connected(in.device_id, in.at_ms));
          break;
        case input::kind::disconnected:
          add(engine_.on_disconnected(in.device_id, in.at_ms));
          break;
        case input::kind::heartbeat:
          add(engine_.on_heartbeat(in.device_id, in.at_ms));
          break;
        case input::kind::gone:
          engine_.forget_device(in.device_id);
          gone.push_back(in.device_id);
          break;
      }
    }
    if (now >= next_tick) {
      add(engine_.tick(common::now_ms()));
      next_tick = now + settings_.tick;
    }
    apply(std::move(out));
    if (!gone.empty()) {
      std::vector<alert> closed;
      auto at = common::now_ms();
      try {
        db_.write([&](storage::connection& c) {
          closed.clear();
          for (const auto& device_id : gone)
            for (auto& a : alert_store::open_of_device(c, device_id)) {
              alert_store::clear(c, a.id, "device decommissioned", at);
              a.state = alert_state::cleared;
              a.cleared_at = at;
              a.clear_summary = "device decommissioned";
              audit_.append(c,
                            alert_event(alerts_actor, "", "alert.cleared", a, {{"clear_summary", *a.clear_summary}}));
              closed.push_back(std::move(a));
            }
        });
        for (const auto& a : closed) announce("alert.cleared", a);
      } catch (const std::exception& e) {
        spdlog::error("alerts: closing the alerts of decommissioned devices failed: {}", e.what());
      }
    }
    tracked_pairs_ = engine_.tracked_pairs();
  }
}

bool alert_service::on_worker(std::function<void()> work) {
  std::promise<void> done;
  auto finished = done.get_future();
  {
    std::lock_guard lock(mutex_);
    if (!running_ || stopping_) return false;
    commands_.push_back([&] {
      try {
        work();
        done.set_value();
      } catch (...) {
        done.set_exception(std::current_exception());
      }
    });
  }
  wake_.notify_one();
  finished.get();  // rethrows what the work threw
  return true;
}

void alert_service::load_rules() {
  auto all = db_.read_result([](storage::connection& c) { return rule_store::all(c); });
  rules_.clear();
  std::vector<rule> enabled;
  auto keys = std::make_shared<std::unordered_set<std::string>>();
  for (auto& r : all) {
    if (r.evaluated.enabled) {
      enabled.push_back(r.evaluated);
      if (auto* t = std::get_if<telemetry_condition>(&r.evaluated.when)) keys->insert(t->key);
    }
    rules_.emplace(r.evaluated.id, std::move(r));
  }
  refresh_scopes();  // before the engine asks
  engine_.set_rules(std::move(enabled));
  std::lock_guard lock(mutex_);
  watched_ = std::move(keys);
}

void alert_service::refresh_scopes() {
  std::unordered_map<std::string, std::unordered_set<std::string>> fresh;
  db_.read([&](storage::connection& c) {
    for (const auto& [id, r] : rules_)
      if (r.evaluated.enabled && !r.scope.everywhere()) fresh.emplace(id, scope_members(c, r.scope));
  });
  scopes_ = std::move(fresh);
  scopes_read_ = steady::now();
}

bool alert_service::in_scope(const std::string& rule_id, const std::string& device_id) const {
  auto r = rules_.find(rule_id);
  if (r == rules_.end()) return false;
  if (r->second.scope.everywhere()) return true;
  auto members = scopes_.find(rule_id);
  return members != scopes_.end() && members->second.contains(device_id);
}

void alert_service::apply(std::vector<transition> transitions) {
  if (transitions.empty()) return;
  std::vector<std::pair<const char*, alert>> changed;
  for (int attempt = 0;; ++attempt) {
    try {
      changed.clear();
      db_.write([&](storage::connection& c) {
        for (const auto& t : transitions) {
          auto open = alert_store::find_open(c, t.rule_id, t.device_id);
          if (t.kind == transition_kind::raised) {
            if (open) continue;  // restored after a restart, or raised by a twin transition
            auto r = rules_.find(t.rule_id);
            alert a;
            a.id = common::new_id("alr");
            a.rule_id = t.rule_id;
            a.rule_name = r != rules_.end() ? r->second.evaluated.name : t.rule_id;
            a.device_id = t.device_id;
            a.severity = r != rules_.end() ? r->second.evaluated.severity : severity::warning;
            a.summary = t.summary;
            if (t.value) a.value_json = json::serialize(to_json_value(*t.value));
            a.raised_at = t.at_ms;
            alert_store::insert(c, a);
            audit_.append(c, alert_event(alerts_actor, "", "alert.raised", a));
            changed.emplace_back("alert.raised", std::move(a));
          } else {
            if (!open) continue;
            alert_store::clear(c, open->id, t.summary, t.at_ms);
            open->state = alert_state::cleared;
            open->cleared_at = t.at_ms;
            open->clear_summary = t.summary;
            audit_.append(c, alert_event(alerts_actor, "", "alert.cleared", *open, {{"clear_summary", t.summary}}));
            changed.emplace_back("alert.cleared", std::move(*open));
          }
        }
      });
      break;
    } catch (const std::exception& e) {
      if (attempt >= 3) {
        stats_.store_failures += transitions.size();
        spdlog::error("alerts: storing {} alert changes failed: {}", transitions.size(), e.what());
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50 << attempt));
    }
  }
  for (const auto& [type, a] : changed) {
    (a.state == alert_state::cleared ? stats_.cleared : stats_.raised)++;
    if (a.state != alert_state::cleared)
      spdlog::info("alert raised: {} on {}: {}", a.rule_name, a.device_id, a.summary);
    else
      spdlog::info("alert cleared: {} on {}: {}", a.rule_name, a.device_id, a.clear_summary.value_or(""));
    announce(type, a);
  }
}

void alert_service::announce(const std::string& type, const alert& a) {
  auto body = to_json(a);
  if (publish_) publish_("$alerts/" + a.rule_id + "/" + a.device_id, json::serialize(body));
  bus_.publish({type, a.device_id, std::move(body)});
}

std::vector<alert> alert_service::close_open(storage::connection& c, const std::string& rule_id, const std::string& why,
                                             std::int64_t at) {
  auto open = alert_store::open_of_rule(c, rule_id);
  for (auto& a : open) {
    alert_store::clear(c, a.id, why, at);
    a.state = alert_state::cleared;
    a.cleared_at = at;
    a.clear_summary = why;
    audit_.append(c, alert_event(alerts_actor, "", "alert.cleared", a, {{"clear_summary", why}}));
  }
  return open;
}

// --- rules ------------------------------------------------------------------------------------

std::optional<refusal> alert_service::validate(storage::connection& c, rule_record& r, const rule_input& in) {
  if (in.name) {
    std::string_view name = *in.name;
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.empty()) return invalid("name", "must not be empty");
    if (name.size() > max_name_length) return invalid("name", "must be at most 100 bytes");
    if (has_control_characters(name)) return invalid("name", "must not hold control characters");
    if (rule_store::name_taken(c, std::string(name), r.evaluated.id))
      return refusal{errc::rule_name_taken, "name", "Another alert rule is called \"" + std::string(name) + "\".", {}};
    r.evaluated.name = std::string(name);
  }
  if (in.condition) {
    auto parsed = parse_condition(*in.condition);
    if (auto* bad = std::get_if<parse_error>(&parsed)) return invalid("condition", bad->message, bad->position);
    r.evaluated.when = std::get<condition>(parsed);
  }
  if (in.severity) r.evaluated.severity = *in.severity;
  if (in.enabled) r.evaluated.enabled = *in.enabled;
  if (in.heartbeat_interval_s) {
    if (*in.heartbeat_interval_s < 1 || *in.heartbeat_interval_s > max_heartbeat_interval_s)
      return invalid("heartbeat_interval_s", "must be 1 to 86400 seconds");
    r.evaluated.heartbeat_interval_s = *in.heartbeat_interval_s;
  }
  if (in.scope) {
    rule_scope s;
    if (in.scope->model && !in.scope->model->empty()) {
      if (in.scope->model->size() > max_model_length || has_control_characters(*in.scope->model))
        return invalid("scope.model", "must be a model name of at most 128 bytes");
      s.model = in.scope->model;
    }
    if (in.scope->group_id && !in.scope->group_id->empty()) {
      if (!registry::group_store::find(c, *in.scope->group_id))
        return invalid("scope.group_id", "no group has this id");
      s.group_id = in.scope->group_id;
    }
    if (in.scope->selector) {
      auto parsed = registry::parse_selector(*in.scope->selector);
      if (!parsed) return invalid("scope.selector", parsed.error().message, parsed.error().position);
      if (!parsed->empty()) s.selector = registry::to_string(*parsed);
    }
    r.scope = std::move(s);
  }
  return std::nullopt;
}

std::vector<rule_record> alert_service::rules() {
  return db_.read_result([](storage::connection& c) { return rule_store::all(c); });
}

result<rule_record> alert_service::find_rule(const std::string& id) {
  auto found = db_.read_result([&](storage::connection& c) { return rule_store::find(c, id); });
  if (!found) return refusal{errc::rule_not_found, {}, {}, {}};
  return *found;
}

result<rule_record> alert_service::create(const rule_input& in, const audit::change_author& by) {
  if (!in.name) return invalid("name", "is required");
  if (!in.condition) return invalid("condition", "is required");
  result<rule_record> out = refusal{errc::stopped, {}, {}, {}};
  bool ran = on_worker([&] {
    rule_record r;
    r.evaluated.id = common::new_id("rul");
    r.created_by = by.by.id;
    r.created_at = r.updated_at = common::now_ms();
    std::optional<refusal> bad;
    db_.write([&](storage::connection& c) {
      bad = validate(c, r, in);
      if (bad) return;
      rule_store::insert(c, r);
      audit_.append(c, rule_event(by, "rule.created", r, rule_details(r)));
    });
    if (bad) {
      out = *bad;
      return;
    }
    load_rules();
    out = r;
  });
  if (!ran) return refusal{errc::stopped, {}, {}, {}};
  return out;
}

result<rule_record> alert_service::update(const std::string& id, const rule_input& in, const audit::change_author& by) {
  result<rule_record> out = refusal{errc::stopped, {}, {}, {}};
  bool ran = on_worker([&] {
    std::optional<refusal> bad;
    std::vector<alert> closed;
    bool evaluation_changed = false;
    std::optional<rule_record> after;
    db_.write([&](storage::connection& c) {
      auto before = rule_store::find(c, id);
      if (!before) {
        bad = refusal{errc::rule_not_found, {}, {}, {}};
        return;
      }
      rule_record r = *before;
      bad = validate(c, r, in);
      if (bad) return;
      r.updated_at = common::now_ms();
      rule_store::update(c, r);
      const auto& was = before->evaluated;
      evaluation_changed = was.when != r.evaluated.when || before->scope != r.scope ||
                           was.heartbeat_interval_s != r.evaluated.heartbeat_interval_s ||
                           was.enabled != r.evaluated.enabled;
      if (evaluation_changed)
        closed = close_open(c, id, r.evaluated.enabled ? "rule changed" : "rule disabled", r.updated_at);
      else if (was.name != r.evaluated.name || was.severity != r.evaluated.severity)
        alert_store::relabel_open(c, id, r.evaluated.name, r.evaluated.severity);
      auto details = rule_details(r);
      details["closed_alerts"] = closed.size();
      audit_.append(c, rule_event(by, "rule.updated", r, std::move(details)));
      after = rule_store::find(c, id);
    });
    if (bad) {
      out = *bad;
      return;
    }
    if (evaluation_changed) {
      // Without the rule for a moment: the engine drops its pairs, whose alerts just closed, so
      // that the rule as it is now starts from nothing.
      std::vector<rule> others;
      for (const auto& [other_id, r] : rules_)
        if (other_id != id && r.evaluated.enabled) others.push_back(r.evaluated);
      engine_.set_rules(std::move(others));
    }
    load_rules();
    for (const auto& a : closed) announce("alert.cleared", a);
    out = *after;
  });
  if (!ran) return refusal{errc::stopped, {}, {}, {}};
  return out;
}

std::optional<refusal> alert_service::remove(const std::string& id, const audit::change_author& by) {
  std::optional<refusal> out;
  bool ran = on_worker([&] {
    std::vector<alert> closed;
    db_.write([&](storage::connection& c) {
      auto r = rule_store::find(c, id);
      if (!r) {
        out = refusal{errc::rule_not_found, {}, {}, {}};
        return;
      }
      rule_store::remove(c, id);
      closed = close_open(c, id, "rule deleted", common::now_ms());
      auto details = rule_details(*r);
      details["closed_alerts"] = closed.size();
      audit_.append(c, rule_event(by, "rule.deleted", *r, std::move(details)));
    });
    if (out) return;
    load_rules();
    for (const auto& a : closed) announce("alert.cleared", a);
  });
  if (!ran) return refusal{errc::stopped, {}, {}, {}};
  return out;
}

// --- alerts -----------------------------------------------------------------------------------

alert_page alert_service::alerts(const alert_filter& f) {
  return db_.read_result([&](storage::connection& c) { return alert_store::find(c, f); });
}

result<alert> alert_service::find_alert(const std::string& id) {
  auto found = db_.read_result([&](storage::connection& c) { return alert_store::find(c, id); });
  if (!found) return refusal{errc::alert_not_found, {}, {}, {}};
  return *found;
}

result<alert> alert_service::acknowledge(const std::string& id, const std::optional<std::string>& note,
                                         const audit::change_author& by) {
  std::optional<refusal> bad;
  bool changed = false;
  auto now = common::now_ms();
  auto after = db_.write_result([&](storage::connection& c) -> std::optional<alert> {
    auto a = alert_store::find(c, id);
    if (!a) {
      bad = refusal{errc::alert_not_found, {}, {}, {}};
      return std::nullopt;
    }
    if (a->state == alert_state::raised && alert_store::acknowledge(c, id, by.by.id, note, now)) {
      changed = true;
      a = alert_store::find(c, id);
      json::object extra;
      if (note) extra["note"] = *note;
      audit_.append(c, alert_event(by.by, by.source, "alert.acknowledged", *a, std::move(extra)));
    }
    if (a->state == alert_state::cleared) bad = refusal{errc::alert_cleared, {}, {}, {}};
    return a;
  });
  if (bad) return *bad;
  if (changed) announce("alert.acknowledged", *after);
  return *after;
}

}  // namespace mothership::rules
