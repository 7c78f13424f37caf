#include "auth/rbac.hpp"

#include <array>

namespace mothership::auth {

namespace {

struct grant {
  permission what;
  std::string_view name;
  bool admin, technician, viewer;
};

// clang-format off
constexpr std::array<grant, 17> table = {{
  // permission                    name                 admin  tech   viewer
  {permission::devices_read,     "devices.read",     true,  true,  true },
  {permission::firmware_read,    "firmware.read",    true,  true,  true },
  {permission::jobs_read,        "jobs.read",        true,  true,  true },
  {permission::telemetry_read,   "telemetry.read",   true,  true,  true },
  {permission::devices_onboard,  "devices.onboard",  true,  true,  false},
  {permission::registry_read,    "registry.read",    true,  true,  false},
  {permission::registry_import,  "registry.import",  true,  false, false},
  {permission::devices_manage,   "devices.manage",   true,  false, false},
  {permission::firmware_manage,  "firmware.manage",  true,  false, false},
  {permission::jobs_manage,      "jobs.manage",      true,  false, false},
  {permission::audit_read,       "audit.read",       true,  false, true },
  {permission::reports_create,   "reports.create",   true,  false, true },
  {permission::reports_download, "reports.download", true,  false, true },
  {permission::users_manage,     "users.manage",     true,  false, false},
  {permission::alerts_read,      "alerts.read",      true,  true,  true },
  {permission::alerts_ack,       "alerts.ack",       true,  true,  false},
  {permission::rules_manage,     "rules.manage",     true,  false, false},
}};
// clang-format on

constexpr std::array<permission, table.size()> permissions = [] {
  std::array<permission, table.size()> out{};
  for (std::size_t i = 0; i < table.size(); ++i) out[i] = table[i].what;
  return out;
}();

constexpr std::array<role, 3> roles = {role::admin, role::technician, role::viewer};

const grant& find(permission p) {
  for (const auto& g : table)
    if (g.what == p) return g;
  return table[0];  // unreachable: every enumerator is in the table (checked by rbac_test)
}

}  // namespace

std::string_view to_string(role r) {
  switch (r) {
    case role::admin:
      return "admin";
    case role::technician:
      return "technician";
    case role::viewer:
      return "viewer";
  }
  return "viewer";
}

std::optional<role> parse_role(std::string_view text) {
  for (role r : roles)
    if (to_string(r) == text) return r;
  return std::nullopt;
}

std::string_view to_string(permission p) {
  return find(p).name;
}

std::optional<permission> parse_permission(std::string_view text) {
  for (const auto& g : table)
    if (g.name == text) return g.what;
  return std::nullopt;
}

std::span<const permission> all_permissions() {
  return permissions;
}
std::span<const role> all_roles() {
  return roles;
}

bool allows(role r, permission p) {
  const grant& g = find(p);
  switch (r) {
    case role::admin:
      return g.admin;
    case role::technician:
      return g.technician;
    case role::viewer:
      return g.viewer;
  }
  return false;
}

}  // namespace mothership::auth
