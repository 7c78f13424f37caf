#pragma once
// Roles and permissions (ARCHITECTURE.md §8). The table in rbac.cpp is the only place that
// says which role may do what; the HTTP middleware and the portal both follow it.
#include <optional>
#include <span>
#include <string_view>

namespace mothership::auth {

enum class role { admin, technician, viewer };

enum class permission {
  devices_read,
  firmware_read,
  jobs_read,
  telemetry_read,
  devices_onboard,
  registry_read,
  registry_import,
  devices_manage,
  firmware_manage,
  jobs_manage,
  audit_read,
  reports_create,
  reports_download,
  users_manage,
  alerts_read,   // alerts, live and past
  alerts_ack,    // acknowledge an alert (someone is on it)
  rules_manage,  // the alert rules: list, create, change, delete
};

std::string_view to_string(role r);
std::optional<role> parse_role(std::string_view text);
std::string_view to_string(permission p);  // "devices.read"
std::optional<permission> parse_permission(std::string_view text);

std::span<const permission> all_permissions();
std::span<const role> all_roles();

bool allows(role r, permission p);

}  // namespace mothership::auth
