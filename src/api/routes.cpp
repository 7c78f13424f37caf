#include "api/routes.hpp"

#include "api/handlers/handlers.hpp"

namespace mothership::api {

namespace {

std::uint64_t firmware_image_limit(const common::config& c) {
  return c.ota.max_firmware_bytes;
}

}  // namespace

void add_routes(router& r) {
  using auth::permission;
  namespace h = handlers;
  const auto anyone = access_rule::anyone();
  const auto signed_in = access_rule::signed_in();
  const auto users_manage = access_rule::require(permission::users_manage);

  // clang-format off
  r.add({"GET",    "/healthz",                anyone,    h::healthz,      runs_on::inline_io});
  r.add({"GET",    "/readyz",                 anyone,    h::readyz});
  r.add({"GET",    "/metrics",                anyone,    h::metrics_text, runs_on::inline_io});
  r.add({"GET",    "/.well-known/jwks.json",  anyone,    h::jwks,         runs_on::inline_io});

  r.add({"POST",   "/api/v1/auth/login",      anyone,    h::login});
  r.add({"POST",   "/api/v1/auth/refresh",    anyone,    h::refresh});
  r.add({"POST",   "/api/v1/auth/logout",     anyone,    h::logout});
  r.add({"GET",    "/api/v1/me",              signed_in, h::me,           runs_on::inline_io});
  r.add({"GET",    "/api/v1/events",          signed_in, h::event_stream_open, runs_on::inline_io});
  r.add({"POST",   "/api/v1/me/password",     signed_in, h::change_own_password});

  r.add({"GET",    "/api/v1/users",           users_manage, h::list_users});
  r.add({"POST",   "/api/v1/users",           users_manage, h::create_user});
  r.add({"GET",    "/api/v1/users/{id}",      users_manage, h::get_user});
  r.add({"PATCH",  "/api/v1/users/{id}",      users_manage, h::update_user});
  r.add({"DELETE", "/api/v1/users/{id}",      users_manage, h::delete_user});

  r.add({"GET",    "/api/v1/audit",           access_rule::require(permission::audit_read), h::list_audit});

  r.add({"GET",    "/pki/ca.pem",             anyone,    h::ca_bundle,       runs_on::inline_io});
  r.add({"GET",    "/pki/crl",                anyone,    h::revocation_list, runs_on::inline_io});

  const auto registry_read = access_rule::require(permission::registry_read);
  const auto registry_import = access_rule::require(permission::registry_import);
  const auto devices_manage = access_rule::require(permission::devices_manage);
  r.add({"POST",   "/api/v1/registry/import",          registry_import, h::import_registry});
  r.add({"GET",    "/api/v1/registry",                 registry_read,   h::list_registry});
  r.add({"GET",    "/api/v1/registry/{id}",            registry_read,   h::get_registry_record});
  r.add({"POST",   "/api/v1/registry/{id}/unlock",     devices_manage,  h::unlock_registry_record});
  r.add({"POST",   "/api/v1/registry/{id}/re-enable",  registry_import, h::re_enable_registry_record});

  const auto devices_onboard = access_rule::require(permission::devices_onboard);
  r.add({"POST",   "/api/v1/onboarding",               devices_onboard, h::claim_device});
  r.add({"GET",    "/api/v1/onboarding",               devices_onboard, h::list_onboarding});
  r.add({"GET",    "/api/v1/provisioning/templates",      access_rule::require(permission::devices_read), h::list_templates});
  r.add({"PUT",    "/api/v1/provisioning/templates/{id}", devices_manage,  h::put_template});

  const auto devices_read = access_rule::require(permission::devices_read);
  r.add({"GET",    "/api/v1/devices",                          devices_read,   h::list_devices});
  r.add({"GET",    "/api/v1/devices/{id}",                     devices_read,   h::get_device});
  r.add({"PATCH",  "/api/v1/devices/{id}",                     devices_manage, h::update_device});
  r.add({"POST",   "/api/v1/devices/{id}/certificate/revoke",  devices_manage, h::revoke_device_certificate});
  r.add({"POST",   "/api/v1/devices/{id}/decommission",        devices_manage, h::decommission_device});
  const auto telemetry_read = access_rule::require(permission::telemetry_read);
  r.add({"GET",    "/api/v1/devices/{id}/telemetry",           telemetry_read, h::device_telemetry});
  r.add({"GET",    "/api/v1/devices/{id}/telemetry/latest",    telemetry_read, h::device_telemetry_latest});
  r.add({"GET",    "/api/v1/telemetry/fleet",                  telemetry_read, h::fleet_telemetry});

  const auto reports_create = access_rule::require(permission::reports_create);
  const auto reports_download = access_rule::require(permission::reports_download);
  r.add({"POST",   "/api/v1/reports",                          reports_create,   h::create_report});
  r.add({"GET",    "/api/v1/generate-report",                  reports_create,   h::generate_report});
  r.add({"GET",    "/api/v1/reports",                          reports_download, h::list_reports});
  r.add({"GET",    "/api/v1/reports/{id}",                     reports_download, h::get_report});
  r.add({"GET",    "/api/v1/reports/{id}/download",            reports_download, h::download_report});

  // Alert rules (admins) and the alerts they raise (everyone sees them; technicians act on them).
  const auto rules_manage = access_rule::require(permission::rules_manage);
  const auto alerts_read = access_rule::require(permission::alerts_read);
  const auto alerts_ack = access_rule::require(permission::alerts_ack);
  r.add({"GET",    "/api/v1/rules",                            rules_manage,     h::list_rules});
  r.add({"POST",   "/api/v1/rules",                            rules_manage,     h::create_rule});
  r.add({"GET",    "/api/v1/rules/{id}",                       rules_manage,     h::get_rule});
  r.add({"PATCH",  "/api/v1/rules/{id}",                       rules_manage,     h::update_rule});
  r.add({"DELETE", "/api/v1/rules/{id}",                       rules_manage,     h::delete_rule});
  r.add({"GET",    "/api/v1/alerts",                           alerts_read,      h::list_alerts});
  r.add({"GET",    "/api/v1/alerts/{id}",                      alerts_read,      h::get_alert});
  r.add({"POST",   "/api/v1/alerts/{id}/ack",                  alerts_ack,       h::acknowledge_alert});

  // Groups: read like devices, changed like devices (ARCHITECTURE.md §8: devices.manage covers groups).
  r.add({"GET",    "/api/v1/groups",                           devices_read,   h::list_groups});
  r.add({"POST",   "/api/v1/groups",                           devices_manage, h::create_group});
  r.add({"GET",    "/api/v1/groups/{id}",                      devices_read,   h::get_group});
  r.add({"PATCH",  "/api/v1/groups/{id}",                      devices_manage, h::update_group});
  r.add({"DELETE", "/api/v1/groups/{id}",                      devices_manage, h::delete_group});
  r.add({"GET",    "/api/v1/groups/{id}/devices",              devices_read,   h::list_group_devices});
  r.add({"POST",   "/api/v1/groups/{id}/devices",              devices_manage, h::add_group_devices});
  r.add({"DELETE", "/api/v1/groups/{id}/devices/{device_id}",  devices_manage, h::remove_group_device});

  const auto firmware_read = access_rule::require(permission::firmware_read);
  const auto firmware_manage = access_rule::require(permission::firmware_manage);
  r.add({"POST",   "/api/v1/firmware",                         firmware_manage, h::upload_firmware, runs_on::worker, firmware_image_limit});
  r.add({"GET",    "/api/v1/firmware",                         firmware_read,   h::list_firmware});
  r.add({"GET",    "/api/v1/firmware/{id}",                    firmware_read,   h::get_firmware});
  r.add({"PATCH",  "/api/v1/firmware/{id}",                    firmware_manage, h::update_firmware});
  r.add({"DELETE", "/api/v1/firmware/{id}",                    firmware_manage, h::delete_firmware});
  r.add({"GET",    "/api/v1/firmware/{id}/download",           firmware_manage, h::download_firmware});
  r.add({"POST",   "/api/v1/firmware/{id}/download-link",      firmware_manage, h::firmware_download_link});

  const auto jobs_read = access_rule::require(permission::jobs_read);
  const auto jobs_manage = access_rule::require(permission::jobs_manage);
  r.add({"POST",   "/api/v1/jobs",                             jobs_manage,     h::create_job});
  r.add({"GET",    "/api/v1/jobs",                             jobs_read,       h::list_jobs});
  r.add({"GET",    "/api/v1/jobs/{id}",                        jobs_read,       h::get_job});
  r.add({"GET",    "/api/v1/jobs/{id}/executions",             jobs_read,       h::list_job_executions});
  r.add({"GET",    "/api/v1/jobs/{id}/progress",               jobs_read,       h::get_job_progress});
  r.add({"POST",   "/api/v1/jobs/{id}/cancel",                 jobs_manage,     h::cancel_job});
  r.add({"POST",   "/api/v1/jobs/{id}/pause",                  jobs_manage,     h::pause_job});
  r.add({"POST",   "/api/v1/jobs/{id}/resume",                 jobs_manage,     h::resume_job});
  r.add({"GET",    "/api/v1/devices/{id}/jobs",                jobs_read,       h::list_device_jobs});

  // Signed, expiring links to blobs (firmware for devices, reports and images for people): the
  // link is the credential, checked by the handler.
  r.add({"GET",    "/dl/{token}",                              anyone,          h::download_by_link});
  // clang-format on
}

}  // namespace mothership::api
