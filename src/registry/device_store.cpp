#include "registry/device_store.hpp"

#include "registry/group_store.hpp"
#include "storage/like.hpp"

namespace mothership::registry {

std::string_view to_string(lifecycle l) {
  switch (l) {
    case lifecycle::awaiting_certificate:
      return "awaiting_certificate";
    case lifecycle::active:
      return "active";
    case lifecycle::decommissioned:
      return "decommissioned";
  }
  return "decommissioned";
}

std::optional<lifecycle> parse_lifecycle(std::string_view text) {
  for (auto l : {lifecycle::awaiting_certificate, lifecycle::active, lifecycle::decommissioned})
    if (to_string(l) == text) return l;
  return std::nullopt;
}

}  // namespace mothership::registry

namespace mothership::registry::device_store {

namespace {

constexpr const char* columns =
    "id, serial, model, hw_revision, labels, lifecycle, firmware_version, reported_state, onboarded_by, online,"
    " created_at, updated_at, first_connected_at, last_seen_at";

void write_labels(storage::connection& c, const std::string& id, const label_map& labels) {
  c.execute("DELETE FROM device_labels WHERE device_id = $1", {id});
  for (const auto& [key, value] : labels)
    c.execute("INSERT INTO device_labels (device_id, key, value) VALUES ($1, $2, $3)", {id, key, value});
}

device from_row(const storage::row& r) {
  device d;
  d.id = r.text(0);
  d.serial = r.text(1);
  d.model = r.text(2);
  d.hw_revision = r.text(3);
  d.labels_json = r.text(4);
  d.stage = parse_lifecycle(r.text(5)).value_or(lifecycle::decommissioned);
  d.firmware_version = r.opt_text(6);
  d.reported_state_json = r.opt_text(7);
  d.onboarded_by = r.opt_text(8);
  d.online = r.integer(9) != 0;
  d.created_at = r.integer(10);
  d.updated_at = r.integer(11);
  d.first_connected_at = r.opt_integer(12);
  d.last_seen_at = r.opt_integer(13);
  return d;
}

}  // namespace

void insert(storage::connection& c, const device& d) {
  c.execute("INSERT INTO devices (" + std::string(columns) +
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            {d.id, d.serial, d.model, d.hw_revision, d.labels_json, std::string(to_string(d.stage)),
             storage::nullable(d.firmware_version), storage::nullable(d.reported_state_json),
             storage::nullable(d.onboarded_by), std::int64_t{d.online}, d.created_at, d.updated_at,
             storage::nullable(d.first_connected_at), storage::nullable(d.last_seen_at)});
  write_labels(c, d.id, parse_labels_json(d.labels_json));
}

void set_labels(storage::connection& c, const std::string& id, const label_map& labels, common::millis now) {
  c.execute("UPDATE devices SET labels = $2, updated_at = $3 WHERE id = $1", {id, labels_json(labels), now});
  write_labels(c, id, labels);
}

std::optional<device> find(storage::connection& c, const std::string& id) {
  auto r = c.query_one("SELECT " + std::string(columns) + " FROM devices WHERE id = $1", {id});
  if (!r) return std::nullopt;
  return from_row(*r);
}

std::vector<device> list(storage::connection& c, const list_filter& f) {
  std::string sql = "SELECT " + std::string(columns) + " FROM devices WHERE id > $1";
  storage::params p{f.after_id};
  auto next = [&](storage::value v) {
    p.push_back(std::move(v));
    return "$" + std::to_string(p.size());
  };
  if (!f.search.empty()) {
    auto n = next(storage::like_contains(f.search)) + std::string(storage::like_escape_clause);
    sql += " AND (id LIKE " + n + " OR serial LIKE " + n + " OR model LIKE " + n + ")";
  }
  if (f.online) sql += " AND online = " + next(std::int64_t{*f.online});
  if (f.stage) sql += " AND lifecycle = " + next(std::string(to_string(*f.stage)));
  if (f.model) sql += " AND model = " + next(*f.model);
  if (f.label_key) {
    sql += " AND EXISTS (SELECT 1 FROM device_labels dl WHERE dl.device_id = devices.id AND dl.key = " +
           next(*f.label_key);
    if (f.label_value) sql += " AND dl.value = " + next(*f.label_value);
    sql += ")";
  }
  auto add = [&](const sql_condition& condition) {
    sql += " AND " + condition.where;
    p.insert(p.end(), condition.params.begin(), condition.params.end());
  };
  if (f.group_id) add(group_store::member_condition(*f.group_id, p.size() + 1));
  if (f.selector && !f.selector->empty()) add(to_sql(*f.selector, p.size() + 1));
  sql += " ORDER BY id LIMIT " + next(std::int64_t{f.limit});
  std::vector<device> out;
  for (const auto& r : c.query(sql, p)) out.push_back(from_row(r));
  return out;
}

std::int64_t count(storage::connection& c, std::optional<bool> online) {
  auto r = online ? c.query_one("SELECT COUNT(*) FROM devices WHERE online = $1", {std::int64_t{*online}})
                  : c.query_one("SELECT COUNT(*) FROM devices");
  return r ? r->integer(0) : 0;
}

std::vector<group_count> count_by(storage::connection& c, grouping by) {
  // The column is one of two fixed names, never caller text.
  const char* column = by == grouping::model ? "model" : "firmware_version";
  std::vector<group_count> out;
  c.query_each(std::string("SELECT ") + column +
                   ", COUNT(*), SUM(online) FROM devices WHERE lifecycle <> 'decommissioned'"
                   " GROUP BY " +
                   column + " ORDER BY COUNT(*) DESC, " + column,
               {}, [&](const storage::row& r) {
                 out.push_back({r.opt_text(0).value_or(""), r.integer(1), r.opt_integer(2).value_or(0)});
                 return true;
               });
  return out;
}

void set_lifecycle(storage::connection& c, const std::string& id, lifecycle l, common::millis now) {
  c.execute("UPDATE devices SET lifecycle = $2, updated_at = $3 WHERE id = $1", {id, std::string(to_string(l)), now});
}

void set_online(storage::connection& c, const std::string& id, bool online, common::millis now) {
  if (online)
    c.execute(
        "UPDATE devices SET online = 1, last_seen_at = $2, first_connected_at = COALESCE(first_connected_at, $2),"
        " lifecycle = CASE WHEN lifecycle = 'awaiting_certificate' THEN 'active' ELSE lifecycle END,"
        " updated_at = $2 WHERE id = $1",
        {id, now});
  else
    c.execute("UPDATE devices SET online = 0, last_seen_at = $2, updated_at = $2 WHERE id = $1", {id, now});
}

void record_state(storage::connection& c, const std::string& id, const std::string& state_json,
                  const std::optional<std::string>& firmware_version, common::millis now) {
  c.execute(
      "UPDATE devices SET reported_state = $2, firmware_version = COALESCE($3, firmware_version), last_seen_at = $4,"
      " updated_at = $4 WHERE id = $1",
      {id, state_json, storage::nullable(firmware_version), now});
}

void touch(storage::connection& c, const std::string& id, common::millis now) {
  c.execute("UPDATE devices SET last_seen_at = $2 WHERE id = $1", {id, now});
}

void mark_all_offline(storage::connection& c) {
  c.execute("UPDATE devices SET online = 0 WHERE online = 1");
}

}  // namespace mothership::registry::device_store
