#pragma once
#include "api/router.hpp"

namespace mothership::api {

// Every HTTP route of the server, with its access rule. docs/openapi.yaml lists the same set
// (checked by tests/integration/openapi_routes_test).
void add_routes(router& r);

}  // namespace mothership::api
