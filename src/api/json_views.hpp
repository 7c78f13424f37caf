#pragma once
// How domain values look in API responses (the schemas in docs/openapi.yaml).
#include <boost/json/object.hpp>

#include "audit/audit_log.hpp"
#include "auth/user.hpp"

namespace mothership::api {

boost::json::object to_json(const auth::user& u);
boost::json::object to_json(const audit::entry& e);

}  // namespace mothership::api
