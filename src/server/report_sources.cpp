#include "server/report_sources.hpp"

#include <charconv>
#include <set>

#include "common/clock.hpp"

namespace mothership::server {

namespace json = boost::json;
using reports::cell;

namespace {

constexpr std::int64_t day_ms = 86'400'000;
constexpr std::int64_t max_range_ms = 3660 * day_ms;  // ten years

// Filters are checked before a report is queued, so each() may trust them.
std::optional<std::string> unknown_filters(const json::object& f, const std::set<std::string>& known) {
  for (const auto& [key, value] : f)
    if (!known.contains(std::string(key))) {
      std::string names;
      for (const auto& k : known) names += (names.empty() ? "" : ", ") + k;
      return "unknown filter '" + std::string(key).substr(0, 64) + "'; this kind takes " + names;
    }
  return std::nullopt;
}

std::optional<std::string> text_of(const json::object& f, const char* key) {
  auto* v = f.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

// A time filter: Unix ms or RFC 3339.
std::optional<std::int64_t> time_of(const json::value& v) {
  if (v.is_int64()) return v.as_int64();
  if (!v.is_string()) return std::nullopt;
  std::string_view text = v.as_string();
  std::int64_t ms = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (ec == std::errc() && end == text.data() + text.size()) return ms;  // from a query string
  return common::parse_rfc3339(text);
}

std::optional<std::string> check_time(const json::object& f, const char* key) {
  auto* v = f.if_contains(key);
  if (v && !time_of(*v)) return std::string(key) + " must be Unix milliseconds or an RFC 3339 time";
  return std::nullopt;
}

std::optional<std::string> check_text(const json::object& f, const char* key) {
  auto* v = f.if_contains(key);
  if (v && (!v->is_string() || v->as_string().size() > 256)) return std::string(key) + " must be a string";
  return std::nullopt;
}

std::optional<std::string> check_range(const json::object& f, const char* from, const char* to, std::int64_t dflt) {
  if (auto e = check_time(f, from)) return e;
  if (auto e = check_time(f, to)) return e;
  const auto now = common::now_ms();
  std::int64_t end = f.contains(to) ? *time_of(f.at(to)) : now;
  std::int64_t start = f.contains(from) ? *time_of(f.at(from)) : end - dflt;
  if (end <= start) return std::string(to) + " must be after " + from;
  if (end - start > max_range_ms) return "the time range is at most 3660 days";
  return std::nullopt;
}

cell opt(const std::optional<std::string>& s) {
  return s ? cell(*s) : cell(std::monostate{});
}
cell opt_time(const std::optional<common::millis>& t) {
  return t ? cell(common::to_rfc3339(*t)) : cell(std::monostate{});
}

class devices_source final : public reports::report_source {
 public:
  explicit devices_source(provisioning::device_service& devices) : devices_(devices) {}
  std::optional<std::string> check(const json::object& f) const override {
    if (auto e = unknown_filters(f, {"model", "status", "lifecycle", "q"})) return e;
    for (const char* k : {"model", "status", "lifecycle", "q"})
      if (auto e = check_text(f, k)) return e;
    if (auto s = text_of(f, "status"); s && *s != "online" && *s != "offline")
      return "status must be online or offline";
    if (auto l = text_of(f, "lifecycle"); l && !registry::parse_lifecycle(*l))
      return "lifecycle must be awaiting_certificate, active or decommissioned";
    return std::nullopt;
  }
  std::vector<std::string> columns() const override {
    return {"id",           "serial",           "model",  "hw_revision",        "status",
            "lifecycle",    "firmware_version", "labels", "first_connected_at", "last_seen_at",
            "onboarded_by", "created_at"};
  }
  void each(const json::object& f, const std::function<bool(const std::vector<cell>&)>& row) override {
    registry::device_store::list_filter filter;
    filter.search = text_of(f, "q").value_or("");
    filter.model = text_of(f, "model");
    if (auto s = text_of(f, "status")) filter.online = *s == "online";
    if (auto l = text_of(f, "lifecycle")) filter.stage = registry::parse_lifecycle(*l);
    filter.limit = 500;
    for (;;) {
      auto page = devices_.list(filter);
      for (const auto& d : page.items)
        if (!row({d.id, d.serial, d.model, d.hw_revision, std::string(d.online ? "online" : "offline"),
                  std::string(registry::to_string(d.stage)), opt(d.firmware_version), d.labels_json,
                  opt_time(d.first_connected_at), opt_time(d.last_seen_at), opt(d.onboarded_by),
                  common::to_rfc3339(d.created_at)}))
          return;
      if (!page.next_after_id) return;
      filter.after_id = *page.next_after_id;
    }
  }

 private:
  provisioning::device_service& devices_;
};

class telemetry_source final : public reports::report_source {
 public:
  explicit telemetry_source(telemetry::telemetry_store& store) : store_(store) {}
  std::optional<std::string> check(const json::object& f) const override {
    if (auto e = unknown_filters(f, {"device_id", "device_ids", "keys", "from", "to"})) return e;
    if (auto e = check_text(f, "device_id")) return e;
    for (const char* list : {"device_ids", "keys"}) {
      auto* v = f.if_contains(list);
      if (!v) continue;
      if (!v->is_array() || v->as_array().size() > 1000)
        return std::string(list) + " must be a list of at most 1000 strings";
      for (const auto& item : v->as_array())
        if (!item.is_string()) return std::string(list) + " must be a list of strings";
    }
    return check_range(f, "from", "to", day_ms);
  }
  std::vector<std::string> columns() const override {
    return {"device_id", "key", "time", "ts_ms", "received_at", "value"};
  }
  void each(const json::object& f, const std::function<bool(const std::vector<cell>&)>& row) override {
    telemetry::sample_filter filter;
    if (auto id = text_of(f, "device_id")) filter.device_ids.push_back(*id);
    if (auto* ids = f.if_contains("device_ids"))
      for (const auto& id : ids->as_array()) filter.device_ids.emplace_back(id.as_string());
    if (auto* keys = f.if_contains("keys"))
      for (const auto& k : keys->as_array()) filter.keys.emplace_back(k.as_string());
    filter.to = f.contains("to") ? *time_of(f.at("to")) : common::now_ms();
    filter.from = f.contains("from") ? *time_of(f.at("from")) : filter.to - day_ms;
    std::vector<cell> cells(6);
    store_.each_sample(filter, [&](const telemetry::sample_row& s) {
      cells[0] = s.device_id;
      cells[1] = s.key;
      cells[2] = common::to_rfc3339(s.ts);
      cells[3] = s.ts;
      cells[4] = s.received_at;
      if (auto d = std::get_if<double>(&s.value))
        cells[5] = *d;
      else if (auto b = std::get_if<bool>(&s.value))
        cells[5] = *b;
      else
        cells[5] = std::get<std::string>(s.value);
      return row(cells);
    });
  }

 private:
  telemetry::telemetry_store& store_;
};

// Audit entries, with their chain hashes: an exported entry can be checked offline
// (`mothership audit verify --export`).
class audit_source final : public reports::report_source {
 public:
  audit_source(audit::audit_log& log, std::optional<std::string> only_action)
      : log_(log), only_action_(std::move(only_action)) {}
  std::optional<std::string> check(const json::object& f) const override {
    std::set<std::string> known{"actor_type", "actor_id", "target_type", "target_id", "result", "since", "until"};
    if (!only_action_) known.insert("action");
    if (auto e = unknown_filters(f, known)) return e;
    for (const char* k : {"actor_type", "actor_id", "action", "target_type", "target_id", "result"})
      if (auto e = check_text(f, k)) return e;
    if (auto r = text_of(f, "result"); r && !audit::parse_outcome(*r)) return "result must be success or failure";
    return check_range(f, "since", "until", max_range_ms);
  }
  std::vector<std::string> columns() const override {
    return {"id",        "time",   "time_ms", "actor_type", "actor_id",  "action", "target_type",
            "target_id", "result", "source",  "details",    "prev_hash", "hash"};
  }
  void each(const json::object& f, const std::function<bool(const std::vector<cell>&)>& row) override {
    audit::filter filter;
    filter.actor_type = text_of(f, "actor_type");
    filter.actor_id = text_of(f, "actor_id");
    filter.action = only_action_ ? only_action_ : text_of(f, "action");
    filter.target_type = text_of(f, "target_type");
    filter.target_id = text_of(f, "target_id");
    if (auto r = text_of(f, "result")) filter.result = audit::parse_outcome(*r);
    if (f.contains("since")) filter.since = time_of(f.at("since"));
    if (f.contains("until")) filter.until = time_of(f.at("until"));
    filter.limit = 500;
    for (;;) {
      auto page = log_.find(filter);
      for (const auto& e : page.items)
        if (!row({e.id, common::to_rfc3339(e.time), e.time, e.what.by.type, e.what.by.id, e.what.action,
                  e.what.target_type, e.what.target_id, std::string(audit::to_string(e.what.result)), e.what.source,
                  audit::canonical_json(e.what.details), e.prev_hash, e.hash}))
          return;
      if (!page.next_before_id) return;
      filter.before_id = page.next_before_id;
    }
  }

 private:
  audit::audit_log& log_;
  std::optional<std::string> only_action_;
};

class jobs_source final : public reports::report_source {
 public:
  explicit jobs_source(jobs::job_service& jobs) : jobs_(jobs) {}
  std::optional<std::string> check(const json::object& f) const override {
    if (auto e = unknown_filters(f, {"status"})) return e;
    if (auto e = check_text(f, "status")) return e;
    if (auto s = text_of(f, "status"); s && !jobs::parse_job_status(*s)) return "status is not a job status";
    return std::nullopt;
  }
  std::vector<std::string> columns() const override {
    return {"id",     "kind",        "firmware_id", "status",     "wave",
            "reason", "description", "created_by",  "created_at", "completed_at"};
  }
  void each(const json::object& f, const std::function<bool(const std::vector<cell>&)>& row) override {
    jobs::job_store::job_filter filter;
    if (auto s = text_of(f, "status")) filter.status = jobs::parse_job_status(*s);
    filter.limit = 500;
    for (;;) {
      auto page = jobs_.list(filter);
      for (const auto& j : page)
        if (!row({j.id, j.kind, j.firmware_id, std::string(jobs::to_string(j.status)), std::int64_t{j.wave},
                  opt(j.reason), j.description, j.created_by, common::to_rfc3339(j.created_at),
                  opt_time(j.completed_at)}))
          return;
      if (static_cast<int>(page.size()) < filter.limit) return;
      filter.before = std::make_pair(page.back().created_at, page.back().id);
    }
  }

 private:
  jobs::job_service& jobs_;
};

}  // namespace

void add_report_kinds(reports::report_service& reports, provisioning::device_service& devices,
                      telemetry::telemetry_store& telemetry, audit::audit_log& audit, jobs::job_service& jobs) {
  reports.add_kind("devices", std::make_unique<devices_source>(devices));
  reports.add_kind("telemetry", std::make_unique<telemetry_source>(telemetry));
  reports.add_kind("audit", std::make_unique<audit_source>(audit, std::nullopt));
  // Onboarding: every device taken through it, from the audit log's device.onboarded entries.
  reports.add_kind("onboarding", std::make_unique<audit_source>(audit, "device.onboarded"));
  reports.add_kind("jobs", std::make_unique<jobs_source>(jobs));
}

}  // namespace mothership::server
