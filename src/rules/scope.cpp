#include "rules/scope.hpp"

#include "registry/group_store.hpp"
#include "registry/selector.hpp"

namespace mothership::rules {

std::unordered_set<std::string> scope_members(storage::connection& c, const rule_scope& scope) {
  std::string sql = "SELECT d.id FROM devices d WHERE d.lifecycle <> 'decommissioned'";
  storage::params p;
  if (scope.model) {
    p.push_back(*scope.model);
    sql += " AND d.model = $" + std::to_string(p.size());
  }
  if (scope.group_id) {
    auto in_group = registry::group_store::member_condition(*scope.group_id, p.size() + 1, "d");
    sql += " AND " + in_group.where;
    p.insert(p.end(), in_group.params.begin(), in_group.params.end());
  }
  if (scope.selector) {
    // Stored selectors were parsed when the rule was saved; one that no longer parses covers
    // nothing rather than everything.
    auto parsed = registry::parse_selector(*scope.selector);
    if (!parsed) return {};
    auto matching = registry::to_sql(*parsed, p.size() + 1, "d");
    sql += " AND " + matching.where;
    p.insert(p.end(), matching.params.begin(), matching.params.end());
  }
  std::unordered_set<std::string> out;
  c.query_each(sql, p, [&](const storage::row& r) {
    out.insert(r.text(0));
    return true;
  });
  return out;
}

std::vector<std::pair<std::string, std::int64_t>> devices_last_seen(storage::connection& c) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  c.query_each("SELECT id, COALESCE(last_seen_at, created_at) FROM devices WHERE lifecycle = 'active'", {},
               [&](const storage::row& r) {
                 out.emplace_back(r.text(0), r.integer(1));
                 return true;
               });
  return out;
}

}  // namespace mothership::rules
