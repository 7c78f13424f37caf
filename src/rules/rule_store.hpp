#pragma once
// SQL for alert_rules. Connection-level, so that a change, its audit entry and the alerts it
// closes commit together.
#include <optional>
#include <string>
#include <vector>

#include "rules/alert.hpp"
#include "storage/database.hpp"

namespace mothership::rules::rule_store {

// Throws storage::database_error (constraint) when the name is taken.
void insert(storage::connection& c, const rule_record& r);
void update(storage::connection& c, const rule_record& r);
bool remove(storage::connection& c, const std::string& id);
std::optional<rule_record> find(storage::connection& c, const std::string& id);
bool name_taken(storage::connection& c, const std::string& name, const std::string& except_id = {});
// By name, with open_alerts filled in.
std::vector<rule_record> all(storage::connection& c);

}  // namespace mothership::rules::rule_store
