#pragma once
// What handlers can reach: the domain services, wired by the composition root (src/server).
#include <atomic>

#include "api/metrics.hpp"
#include "audit/audit_log.hpp"
#include "auth/access_token.hpp"
#include "auth/session_service.hpp"
#include "auth/user_service.hpp"
#include "common/config.hpp"
#include "storage/database.hpp"

namespace mothership::api {

struct services {
  const common::config& config;
  storage::database& db;
  audit::audit_log& audit;
  auth::user_service& users;
  auth::session_service& sessions;
  auth::access_token_codec& tokens;
  api::metrics& metrics;
};

}  // namespace mothership::api
