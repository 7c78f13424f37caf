#include <boost/json/serialize.hpp>

#include "api/handlers/handlers.hpp"
#include "api/problem.hpp"

namespace mothership::api::handlers {

http_response healthz(services&, request_context&) {
  return json_response(200, R"({"status":"ok"})");
}

http_response readyz(services& s, request_context&) {
  // Ready means the database answers; a process that is up but cannot reach it is not.
  try {
    s.db.read([](storage::connection& c) { c.query("SELECT 1"); });
  } catch (const std::exception&) {
    return problem(503, "not-ready", "Not ready", "The database is not reachable.");
  }
  return json_response(200, R"({"status":"ready"})");
}

http_response metrics_text(services& s, request_context&) {
  return http_response{200, "text/plain; version=0.0.4; charset=utf-8", s.metrics.render(), {}};
}

http_response jwks(services& s, request_context&) {
  boost::json::object body{{"keys", boost::json::array{s.tokens.key().public_jwk()}}};
  return json_response(200, boost::json::serialize(body)).with_header("Cache-Control", "public, max-age=300");
}

}  // namespace mothership::api::handlers
