#include "registry/group_store.hpp"

namespace mothership::registry::group_store {

namespace {

constexpr const char* select_groups =
    "SELECT g.id, g.name, g.description, g.created_at, g.updated_at, g.created_by,"
    " (SELECT COUNT(*) FROM device_group_members m WHERE m.group_id = g.id) FROM device_groups g";

group from_row(const storage::row& r) {
  return {r.text(0), r.text(1), r.text(2), r.integer(3), r.integer(4), r.opt_text(5), r.integer(6)};
}

std::vector<group> groups(const std::vector<storage::row>& rows) {
  std::vector<group> out;
  for (const auto& r : rows) out.push_back(from_row(r));
  return out;
}

}  // namespace

void insert(storage::connection& c, const group& g) {
  c.execute(
      "INSERT INTO device_groups (id, name, description, created_at, updated_at, created_by)"
      " VALUES ($1, $2, $3, $4, $5, $6)",
      {g.id, g.name, g.description, g.created_at, g.updated_at, storage::nullable(g.created_by)});
}

std::optional<group> find(storage::connection& c, const std::string& id) {
  auto r = c.query_one(std::string(select_groups) + " WHERE g.id = $1", {id});
  if (!r) return std::nullopt;
  return from_row(*r);
}

bool name_taken(storage::connection& c, const std::string& name, const std::string& except_id) {
  return c.query_one("SELECT 1 FROM device_groups WHERE name = $1 AND id <> $2", {name, except_id}).has_value();
}

std::vector<group> list(storage::connection& c, const std::string& after_name, int limit) {
  return groups(c.query(std::string(select_groups) + " WHERE g.name > $1 ORDER BY g.name LIMIT $2",
                        {after_name, std::int64_t{limit}}));
}

void update(storage::connection& c, const std::string& id, const std::string& name, const std::string& description,
            common::millis now) {
  c.execute("UPDATE device_groups SET name = $2, description = $3, updated_at = $4 WHERE id = $1",
            {id, name, description, now});
}

void remove(storage::connection& c, const std::string& id) {
  // Not left to ON DELETE CASCADE alone: that needs foreign keys switched on in every backend.
  c.execute("DELETE FROM device_group_members WHERE group_id = $1", {id});
  c.execute("DELETE FROM device_groups WHERE id = $1", {id});
}

std::vector<std::string> unknown_devices(storage::connection& c, const std::vector<std::string>& device_ids) {
  std::vector<std::string> out;
  for (const auto& id : device_ids)
    if (!c.query_one("SELECT 1 FROM devices WHERE id = $1", {id})) out.push_back(id);
  return out;
}

std::vector<std::string> add_members(storage::connection& c, const std::string& group_id,
                                     const std::vector<std::string>& device_ids, common::millis now) {
  std::vector<std::string> added;
  for (const auto& id : device_ids)
    if (c.execute("INSERT INTO device_group_members (group_id, device_id, added_at) VALUES ($1, $2, $3)"
                  " ON CONFLICT (group_id, device_id) DO NOTHING",
                  {group_id, id, now}) > 0)
      added.push_back(id);
  return added;
}

bool remove_member(storage::connection& c, const std::string& group_id, const std::string& device_id) {
  return c.execute("DELETE FROM device_group_members WHERE group_id = $1 AND device_id = $2", {group_id, device_id}) >
         0;
}

bool is_member(storage::connection& c, const std::string& group_id, const std::string& device_id) {
  return c.query_one("SELECT 1 FROM device_group_members WHERE group_id = $1 AND device_id = $2", {group_id, device_id})
      .has_value();
}

std::vector<std::string> member_ids(storage::connection& c, const std::string& group_id) {
  std::vector<std::string> out;
  for (const auto& r :
       c.query("SELECT device_id FROM device_group_members WHERE group_id = $1 ORDER BY device_id", {group_id}))
    out.push_back(r.text(0));
  return out;
}

std::vector<group> groups_of(storage::connection& c, const std::string& device_id) {
  return groups(c.query(std::string(select_groups) +
                            " WHERE g.id IN (SELECT group_id FROM device_group_members WHERE device_id = $1)"
                            " ORDER BY g.name",
                        {device_id}));
}

sql_condition member_condition(const std::string& group_id, std::size_t first_parameter,
                               std::string_view devices_table) {
  return {"EXISTS (SELECT 1 FROM device_group_members m WHERE m.device_id = " + std::string(devices_table) +
              ".id AND m.group_id = $" + std::to_string(first_parameter) + ")",
          {group_id}};
}

}  // namespace mothership::registry::group_store
