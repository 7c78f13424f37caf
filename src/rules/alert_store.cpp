#include "rules/alert_store.hpp"

namespace mothership::rules {

std::string_view to_string(alert_state s) {
  switch (s) {
    case alert_state::raised:
      return "raised";
    case alert_state::acknowledged:
      return "acknowledged";
    case alert_state::cleared:
      return "cleared";
  }
  return "raised";
}

std::optional<alert_state> parse_alert_state(std::string_view text) {
  for (auto s : {alert_state::raised, alert_state::acknowledged, alert_state::cleared})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

namespace alert_store {

namespace {

constexpr const char* columns =
    "id, rule_id, rule_name, device_id, severity, state, summary, value, raised_at, acknowledged_at,"
    " acknowledged_by, note, cleared_at, clear_summary";

alert from_row(const storage::row& r) {
  alert out;
  out.id = r.text(0);
  out.rule_id = r.text(1);
  out.rule_name = r.text(2);
  out.device_id = r.text(3);
  out.severity = parse_severity(r.text(4)).value_or(severity::warning);
  out.state = parse_alert_state(r.text(5)).value_or(alert_state::raised);
  out.summary = r.text(6);
  out.value_json = r.opt_text(7);
  out.raised_at = r.integer(8);
  out.acknowledged_at = r.opt_integer(9);
  out.acknowledged_by = r.opt_text(10);
  out.note = r.opt_text(11);
  out.cleared_at = r.opt_integer(12);
  out.clear_summary = r.opt_text(13);
  return out;
}

std::vector<alert> many(storage::connection& c, const std::string& sql, const storage::params& p) {
  std::vector<alert> out;
  c.query_each(sql, p, [&](const storage::row& r) {
    out.push_back(from_row(r));
    return true;
  });
  return out;
}

}  // namespace

void insert(storage::connection& c, const alert& a) {
  c.execute(std::string("INSERT INTO alerts (") + columns +
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            {a.id, a.rule_id, a.rule_name, a.device_id, std::string(to_string(a.severity)),
             std::string(to_string(a.state)), a.summary, storage::nullable(a.value_json), a.raised_at,
             storage::nullable(a.acknowledged_at), storage::nullable(a.acknowledged_by), storage::nullable(a.note),
             storage::nullable(a.cleared_at), storage::nullable(a.clear_summary)});
}

std::optional<alert> find(storage::connection& c, const std::string& id) {
  auto r = c.query_one(std::string("SELECT ") + columns + " FROM alerts WHERE id = $1", {id});
  if (!r) return std::nullopt;
  return from_row(*r);
}

std::optional<alert> find_open(storage::connection& c, const std::string& rule_id, const std::string& device_id) {
  auto r = c.query_one(
      std::string("SELECT ") + columns + " FROM alerts WHERE rule_id = $1 AND device_id = $2 AND state <> 'cleared'",
      {rule_id, device_id});
  if (!r) return std::nullopt;
  return from_row(*r);
}

std::vector<alert> open_alerts(storage::connection& c) {
  return many(c, std::string("SELECT ") + columns + " FROM alerts WHERE state <> 'cleared' ORDER BY raised_at, id", {});
}

std::vector<alert> open_of_rule(storage::connection& c, const std::string& rule_id) {
  return many(c,
              std::string("SELECT ") + columns +
                  " FROM alerts WHERE rule_id = $1 AND state <> 'cleared' ORDER BY raised_at, id",
              {rule_id});
}

std::vector<alert> open_of_device(storage::connection& c, const std::string& device_id) {
  return many(c,
              std::string("SELECT ") + columns +
                  " FROM alerts WHERE device_id = $1 AND state <> 'cleared' ORDER BY raised_at, id",
              {device_id});
}

alert_page find(storage::connection& c, const alert_filter& f) {
  std::string where = " WHERE 1 = 1";
  storage::params p;
  auto equals = [&](const char* column, const std::string& v) {
    p.push_back(v);
    where += std::string(" AND ") + column + " = $" + std::to_string(p.size());
  };
  switch (f.state) {
    case alert_filter::which::any:
      break;
    case alert_filter::which::open:
      where += " AND state <> 'cleared'";
      break;
    case alert_filter::which::raised:
      where += " AND state = 'raised'";
      break;
    case alert_filter::which::acknowledged:
      where += " AND state = 'acknowledged'";
      break;
    case alert_filter::which::cleared:
      where += " AND state = 'cleared'";
      break;
  }
  if (f.device_id) equals("device_id", *f.device_id);
  if (f.rule_id) equals("rule_id", *f.rule_id);
  if (f.before) {
    p.push_back(f.before->first);
    auto t = "$" + std::to_string(p.size());
    p.push_back(f.before->second);
    auto id = "$" + std::to_string(p.size());
    where += " AND (raised_at < " + t + " OR (raised_at = " + t + " AND id < " + id + "))";
  }
  p.push_back(std::int64_t{f.limit + 1});
  auto items = many(c,
                    std::string("SELECT ") + columns + " FROM alerts" + where +
                        " ORDER BY raised_at DESC, id DESC LIMIT $" + std::to_string(p.size()),
                    p);
  alert_page out;
  if (static_cast<int>(items.size()) > f.limit) {
    items.resize(f.limit);
    out.next_before = std::pair{items.back().raised_at, items.back().id};
  }
  out.items = std::move(items);
  return out;
}

bool acknowledge(storage::connection& c, const std::string& id, const std::string& user_id,
                 const std::optional<std::string>& note, std::int64_t at) {
  return c.execute(
             "UPDATE alerts SET state = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3, note = $4"
             " WHERE id = $1 AND state = 'raised'",
             {id, at, user_id, storage::nullable(note)}) > 0;
}

void clear(storage::connection& c, const std::string& id, const std::string& summary, std::int64_t at) {
  c.execute(
      "UPDATE alerts SET state = 'cleared', cleared_at = $2, clear_summary = $3 WHERE id = $1 AND state <> 'cleared'",
      {id, at, summary});
}

void relabel_open(storage::connection& c, const std::string& rule_id, const std::string& rule_name, rules::severity s) {
  c.execute("UPDATE alerts SET rule_name = $2, severity = $3 WHERE rule_id = $1 AND state <> 'cleared'",
            {rule_id, rule_name, std::string(to_string(s))});
}

}  // namespace alert_store
}  // namespace mothership::rules
