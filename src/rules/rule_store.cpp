#include "rules/rule_store.hpp"

#include <variant>

#include "rules/parse_condition.hpp"

namespace mothership::rules {

std::string_view kind_name(const condition& c) {
  if (std::holds_alternative<telemetry_condition>(c)) return "telemetry";
  if (std::holds_alternative<offline_condition>(c)) return "offline";
  return "heartbeat";
}

namespace rule_store {

namespace {

constexpr const char* columns =
    "r.id, r.name, r.condition, r.severity, r.enabled, r.heartbeat_interval_s, r.scope_model, r.scope_group_id,"
    " r.scope_selector, r.created_by, r.created_at, r.updated_at";

rule_record from_row(const storage::row& row) {
  rule_record out;
  out.evaluated.id = row.text(0);
  out.evaluated.name = row.text(1);
  // Stored text was written by describe(), so it parses; a row edited by hand into nonsense
  // becomes a rule that never holds (offline for 30 d is the harmless stand-in), disabled.
  auto parsed = parse_condition(row.text(2));
  if (auto* c = std::get_if<condition>(&parsed)) {
    out.evaluated.when = *c;
    out.evaluated.enabled = row.integer(4) != 0;
  } else {
    out.evaluated.when = offline_condition{max_duration_s};
    out.evaluated.enabled = false;
  }
  out.evaluated.severity = parse_severity(row.text(3)).value_or(severity::warning);
  out.evaluated.heartbeat_interval_s = static_cast<int>(row.integer(5));
  out.scope.model = row.opt_text(6);
  out.scope.group_id = row.opt_text(7);
  out.scope.selector = row.opt_text(8);
  out.created_by = row.text(9);
  out.created_at = row.integer(10);
  out.updated_at = row.integer(11);
  return out;
}

}  // namespace

void insert(storage::connection& c, const rule_record& r) {
  c.execute(
      "INSERT INTO alert_rules (id, name, condition, severity, enabled, heartbeat_interval_s, scope_model,"
      " scope_group_id, scope_selector, created_by, created_at, updated_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
      {r.evaluated.id, r.evaluated.name, describe(r.evaluated.when), std::string(to_string(r.evaluated.severity)),
       std::int64_t{r.evaluated.enabled}, std::int64_t{r.evaluated.heartbeat_interval_s},
       storage::nullable(r.scope.model), storage::nullable(r.scope.group_id), storage::nullable(r.scope.selector),
       r.created_by, r.created_at, r.updated_at});
}

void update(storage::connection& c, const rule_record& r) {
  c.execute(
      "UPDATE alert_rules SET name = $2, condition = $3, severity = $4, enabled = $5, heartbeat_interval_s = $6,"
      " scope_model = $7, scope_group_id = $8, scope_selector = $9, updated_at = $10 WHERE id = $1",
      {r.evaluated.id, r.evaluated.name, describe(r.evaluated.when), std::string(to_string(r.evaluated.severity)),
       std::int64_t{r.evaluated.enabled}, std::int64_t{r.evaluated.heartbeat_interval_s},
       storage::nullable(r.scope.model), storage::nullable(r.scope.group_id), storage::nullable(r.scope.selector),
       r.updated_at});
}

bool remove(storage::connection& c, const std::string& id) {
  return c.execute("DELETE FROM alert_rules WHERE id = $1", {id}) > 0;
}

std::optional<rule_record> find(storage::connection& c, const std::string& id) {
  auto row = c.query_one(std::string("SELECT ") + columns +
                             ", (SELECT COUNT(*) FROM alerts a WHERE a.rule_id = r.id AND a.state <> 'cleared')"
                             " FROM alert_rules r WHERE r.id = $1",
                         {id});
  if (!row) return std::nullopt;
  auto out = from_row(*row);
  out.open_alerts = row->integer(12);
  return out;
}

bool name_taken(storage::connection& c, const std::string& name, const std::string& except_id) {
  return c.query_one("SELECT 1 FROM alert_rules WHERE name = $1 AND id <> $2", {name, except_id}).has_value();
}

std::vector<rule_record> all(storage::connection& c) {
  std::vector<rule_record> out;
  c.query_each(std::string("SELECT ") + columns +
                   ", (SELECT COUNT(*) FROM alerts a WHERE a.rule_id = r.id AND a.state <> 'cleared')"
                   " FROM alert_rules r ORDER BY r.name, r.id",
               {}, [&](const storage::row& row) {
                 out.push_back(from_row(row));
                 out.back().open_alerts = row.integer(12);
                 return true;
               });
  return out;
}

}  // namespace rule_store
}  // namespace mothership::rules
