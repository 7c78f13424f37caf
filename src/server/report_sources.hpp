#pragma once
// The kinds of report, each over the domain that owns its rows (never its tables): devices
// from the registry, telemetry from the telemetry store, audit and onboarding from the audit
// log, jobs from the jobs engine. Wired into the report service in one place (serve).
#include "audit/audit_log.hpp"
#include "jobs/job_service.hpp"
#include "provisioning/device_service.hpp"
#include "reports/report_service.hpp"
#include "telemetry/telemetry_store.hpp"

namespace mothership::server {

void add_report_kinds(reports::report_service& reports, provisioning::device_service& devices,
                      telemetry::telemetry_store& telemetry, audit::audit_log& audit, jobs::job_service& jobs);

}  // namespace mothership::server
