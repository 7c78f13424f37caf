#pragma once
// HTTP handlers: parse the request, call the domain, map the result. Nothing else.
#include "api/router.hpp"
#include "api/services.hpp"

namespace mothership::api::handlers {

// The signed-in user and their address, for the audit log of a registry or device change.
inline registry::change_author registry_author_of(const request_context& ctx) {
  return {{"user", ctx.user->id}, ctx.request.remote_address};
}

// system_handlers.cpp
http_response healthz(services&, request_context&);
http_response readyz(services&, request_context&);
http_response metrics_text(services&, request_context&);
http_response jwks(services&, request_context&);
http_response event_stream_open(services&, request_context&);

// auth_handlers.cpp
http_response login(services&, request_context&);
http_response refresh(services&, request_context&);
http_response logout(services&, request_context&);
http_response me(services&, request_context&);
http_response change_own_password(services&, request_context&);

// users_handlers.cpp
http_response list_users(services&, request_context&);
http_response create_user(services&, request_context&);
http_response get_user(services&, request_context&);
http_response update_user(services&, request_context&);
http_response delete_user(services&, request_context&);

// audit_handlers.cpp
http_response list_audit(services&, request_context&);

// registry_handlers.cpp
http_response import_registry(services&, request_context&);
http_response list_registry(services&, request_context&);
http_response get_registry_record(services&, request_context&);
http_response unlock_registry_record(services&, request_context&);
http_response re_enable_registry_record(services&, request_context&);

// onboarding_handlers.cpp
http_response claim_device(services&, request_context&);
http_response list_onboarding(services&, request_context&);
http_response list_templates(services&, request_context&);
http_response put_template(services&, request_context&);

// device_handlers.cpp
http_response list_devices(services&, request_context&);
http_response get_device(services&, request_context&);
http_response update_device(services&, request_context&);  // labels
http_response list_group_devices(services&, request_context&);
http_response revoke_device_certificate(services&, request_context&);
http_response decommission_device(services&, request_context&);
http_response ca_bundle(services&, request_context&);
http_response revocation_list(services&, request_context&);

// telemetry_handlers.cpp
http_response device_telemetry(services&, request_context&);
http_response device_telemetry_latest(services&, request_context&);
http_response fleet_telemetry(services&, request_context&);

// reports_handlers.cpp
http_response create_report(services&, request_context&);
http_response generate_report(services&, request_context&);
http_response list_reports(services&, request_context&);
http_response get_report(services&, request_context&);
http_response download_report(services&, request_context&);

// alerts_handlers.cpp
http_response list_rules(services&, request_context&);
http_response create_rule(services&, request_context&);
http_response get_rule(services&, request_context&);
http_response update_rule(services&, request_context&);
http_response delete_rule(services&, request_context&);
http_response list_alerts(services&, request_context&);
http_response get_alert(services&, request_context&);
http_response acknowledge_alert(services&, request_context&);

// group_handlers.cpp
http_response list_groups(services&, request_context&);
http_response create_group(services&, request_context&);
http_response get_group(services&, request_context&);
http_response update_group(services&, request_context&);
http_response delete_group(services&, request_context&);
http_response add_group_devices(services&, request_context&);
http_response remove_group_device(services&, request_context&);

// firmware_handlers.cpp
http_response upload_firmware(services&, request_context&);
http_response list_firmware(services&, request_context&);
http_response get_firmware(services&, request_context&);
http_response update_firmware(services&, request_context&);
http_response delete_firmware(services&, request_context&);
http_response download_firmware(services&, request_context&);
http_response firmware_download_link(services&, request_context&);

// jobs_handlers.cpp
http_response create_job(services&, request_context&);
http_response list_jobs(services&, request_context&);
http_response get_job(services&, request_context&);
http_response list_job_executions(services&, request_context&);
http_response cancel_job(services&, request_context&);
http_response pause_job(services&, request_context&);
http_response resume_job(services&, request_context&);
http_response get_job_progress(services&, request_context&);
http_response list_device_jobs(services&, request_context&);

// download_handlers.cpp
http_response download_by_link(services&, request_context&);

}  // namespace mothership::api::handlers
