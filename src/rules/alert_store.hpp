#pragma once
// SQL for alerts. Connection-level, like rule_store.
#include <optional>
#include <string>
#include <vector>

#include "rules/alert.hpp"
#include "storage/database.hpp"

namespace mothership::rules::alert_store {

void insert(storage::connection& c, const alert& a);
std::optional<alert> find(storage::connection& c, const std::string& id);
// The open (raised or acknowledged) alert of a rule and device, if any.
std::optional<alert> find_open(storage::connection& c, const std::string& rule_id, const std::string& device_id);
std::vector<alert> open_alerts(storage::connection& c);
std::vector<alert> open_of_rule(storage::connection& c, const std::string& rule_id);
std::vector<alert> open_of_device(storage::connection& c, const std::string& device_id);
alert_page find(storage::connection& c, const alert_filter& f);

// raised -> acknowledged. False when the alert is not raised (acknowledged or cleared).
bool acknowledge(storage::connection& c, const std::string& id, const std::string& user_id,
                 const std::optional<std::string>& note, std::int64_t at);
// raised or acknowledged -> cleared.
void clear(storage::connection& c, const std::string& id, const std::string& summary, std::int64_t at);
// A rule renamed or given another severity: its open alerts say so too.
void relabel_open(storage::connection& c, const std::string& rule_id, const std::string& rule_name, rules::severity s);

}  // namespace mothership::rules::alert_store
