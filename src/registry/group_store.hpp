#pragma once
// SQL for device_groups and device_group_members. Connection-level, so that callers (the group
// service, a jobs engine resolving targets) can use them inside their own transactions.
#include <optional>
#include <string>
#include <vector>

#include "registry/group.hpp"
#include "registry/selector.hpp"
#include "storage/database.hpp"

namespace mothership::registry::group_store {

// Throws storage::database_error (constraint) when the name is taken.
void insert(storage::connection& c, const group& g);
std::optional<group> find(storage::connection& c, const std::string& id);
bool name_taken(storage::connection& c, const std::string& name, const std::string& except_id = {});
// Ordered by name; `after_name` is the cursor.
std::vector<group> list(storage::connection& c, const std::string& after_name, int limit);
void update(storage::connection& c, const std::string& id, const std::string& name, const std::string& description,
            common::millis now);
void remove(storage::connection& c, const std::string& id);  // members go with it

// Those of `device_ids` that are not devices.
std::vector<std::string> unknown_devices(storage::connection& c, const std::vector<std::string>& device_ids);
// Adds those not yet members; returns them.
std::vector<std::string> add_members(storage::connection& c, const std::string& group_id,
                                     const std::vector<std::string>& device_ids, common::millis now);
bool remove_member(storage::connection& c, const std::string& group_id, const std::string& device_id);

bool is_member(storage::connection& c, const std::string& group_id, const std::string& device_id);
std::vector<std::string> member_ids(storage::connection& c, const std::string& group_id);
std::vector<group> groups_of(storage::connection& c, const std::string& device_id);

// "devices_table's device is in the group" as a WHERE condition with one parameter
// ($first_parameter), like registry::to_sql for selectors.
sql_condition member_condition(const std::string& group_id, std::size_t first_parameter = 1,
                               std::string_view devices_table = "devices");

}  // namespace mothership::registry::group_store
