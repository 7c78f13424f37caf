#pragma once
// What handlers can reach: the domain services, wired by the composition root (src/server).
#include <atomic>

#include "api/metrics.hpp"
#include "audit/audit_log.hpp"
#include "auth/access_token.hpp"
#include "auth/session_service.hpp"
#include "auth/user_service.hpp"
#include "blob/download_links.hpp"
#include "blob/store.hpp"
#include "common/config.hpp"
#include "events/event_bus.hpp"
#include "jobs/job_service.hpp"
#include "ota/firmware_catalog.hpp"
#include "pki/certificate_authority.hpp"
#include "provisioning/device_service.hpp"
#include "provisioning/onboarding_service.hpp"
#include "registry/group_service.hpp"
#include "registry/registry_service.hpp"
#include "reports/report_service.hpp"
#include "rules/alert_service.hpp"
#include "storage/database.hpp"
#include "telemetry/query_plan.hpp"
#include "telemetry/telemetry_store.hpp"

namespace mothership::api {

// The device side: manufacturing registry, device groups, onboarding, devices and the CA.
struct fleet_services {
  registry::registry_service& registry;
  registry::group_service& groups;
  provisioning::onboarding_service& onboarding;
  provisioning::device_service& devices;
  const pki::certificate_authority& ca;
};

// Blobs and the links that fetch them (GET /dl/{token}).
struct download_services {
  blob::store& blobs;
  const blob::download_links& links;
};

// Devices' telemetry: the store and how long it keeps what (which queries it can answer).
struct telemetry_services {
  telemetry::telemetry_store& store;
  const telemetry::retention_windows& kept;
};

struct services {
  const common::config& config;
  storage::database& db;
  audit::audit_log& audit;
  auth::user_service& users;
  auth::session_service& sessions;
  auth::access_token_codec& tokens;
  api::metrics& metrics;
  fleet_services& fleet;
  events::event_bus& bus;
  download_services& downloads;
  ota::firmware_catalog& firmware;
  jobs::job_service& jobs;
  telemetry_services& telemetry;
  reports::report_service& reports;
  rules::alert_service& alerts;
};

}  // namespace mothership::api
