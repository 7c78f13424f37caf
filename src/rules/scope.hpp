#pragma once
// Which devices a rule's scope covers, read from the registry's tables. The alert service keeps
// the answer in memory (the engine asks about every sample) and reads it again when devices or
// rules change and every `scope_refresh` in between.
#include <cstdint>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "rules/alert.hpp"
#include "storage/database.hpp"

namespace mothership::rules {

// The ids of the devices (not decommissioned) the scope covers. Not for an everywhere() scope
// (that is every device, and needs no list). The scope's selector is canonical text.
std::unordered_set<std::string> scope_members(storage::connection& c, const rule_scope& scope);

// Active devices and when each was last seen (or made): after a restart the engine counts
// `offline for` from there.
std::vector<std::pair<std::string, std::int64_t>> devices_last_seen(storage::connection& c);

}  // namespace mothership::rules
