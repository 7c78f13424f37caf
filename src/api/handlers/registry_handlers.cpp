#include <boost/json/serialize.hpp>

#include "api/handlers/handlers.hpp"
#include "api/paging.hpp"
#include "api/problem.hpp"

namespace mothership::api::handlers {

namespace json = boost::json;

namespace {

json::object to_json(const registry::manufacturing_record& r) {
  auto now = common::now_ms();
  const bool locked = r.locked(now);
  return {{"serial", r.serial},
          {"model", r.model},
          {"hw_revision", r.hw_revision},
          {"batch", r.batch},
          {"status", registry::to_string(r.status)},
          {"device_id", r.device_id ? json::value(*r.device_id) : json::value(nullptr)},
          {"has_claim_code", r.claim_code_hash.has_value()},
          {"factory_cert_sha256", r.factory_cert_sha256 ? json::value(*r.factory_cert_sha256) : json::value(nullptr)},
          {"claim_failures", r.claim_failures},
          {"locked", locked},
          {"locked_until", locked ? json::value(common::to_rfc3339(*r.locked_until)) : json::value(nullptr)},
          {"imported_at", common::to_rfc3339(r.imported_at)},
          {"updated_at", common::to_rfc3339(r.updated_at)}};
}

bool is_csv(const http_request& request) {
  const std::string* type = request.header("content-type");
  return type && (type->starts_with("text/csv") || type->starts_with("application/csv"));
}

}  // namespace

http_response import_registry(services& s, request_context& ctx) {
  if (!is_csv(ctx.request))
    return problem(415, "unsupported-media-type", "Unsupported media type",
                   "Send the manufacturing records as Content-Type: text/csv.");
  auto batch = ctx.request.query_param("batch").value_or("");
  if (batch.size() > 64) return validation_failed({{"batch", "must be at most 64 characters"}});
  auto result = s.fleet.registry.import_csv(ctx.request.body, batch, registry_author_of(ctx));
  if (!result.errors.empty()) {
    json::array errors;
    for (const auto& e : result.errors) errors.push_back({{"line", e.line}, {"reason", e.reason}});
    auto detail = std::to_string(result.errors.size()) + " line(s) are wrong; nothing was imported.";
    json::object body{{"type", std::string(problem_base) + "import-rejected"},
                      {"title", "Import rejected"},
                      {"status", 422},
                      {"detail", detail},
                      {"errors", std::move(errors)}};
    return http_response{422, "application/problem+json", json::serialize(body), {}};
  }
  return json_response(200, json::serialize(json::object{{"imported", result.imported}, {"batch", result.batch}}));
}

http_response list_registry(services& s, request_context& ctx) {
  auto paging = read_page_request(ctx.request, 50, 500);
  if (auto* problem_response = std::get_if<http_response>(&paging)) return std::move(*problem_response);
  const auto& want = std::get<page_request>(paging);
  registry::record_store::list_filter f;
  f.search = ctx.request.query_param("q").value_or("");
  f.model = ctx.request.query_param("model");
  if (auto status = ctx.request.query_param("status")) {
    f.status = registry::parse_record_status(*status);
    if (!f.status) return validation_failed({{"status", "must be manufactured, registered or decommissioned"}});
  }
  f.after_serial = want.cursor.value_or("");
  f.limit = want.limit + 1;
  auto records = s.fleet.registry.list(f);
  std::optional<std::string> next;
  if (static_cast<int>(records.size()) > want.limit) {
    records.resize(static_cast<std::size_t>(want.limit));
    next = records.back().serial;
  }
  json::array items;
  for (const auto& r : records) items.push_back(to_json(r));
  return json_response(
      200, json::serialize(json::object{{"items", std::move(items)}, {"next_cursor", encode_cursor(next)}}));
}

http_response get_registry_record(services& s, request_context& ctx) {
  auto r = s.fleet.registry.find(ctx.param("id"));
  if (!r) return problem_for(registry::errc::record_not_found);
  return json_response(200, json::serialize(to_json(*r)));
}

http_response unlock_registry_record(services& s, request_context& ctx) {
  if (auto done = s.fleet.registry.unlock(ctx.param("id"), registry_author_of(ctx)); !done)
    return problem_for(done.error());
  return json_response(200, json::serialize(to_json(*s.fleet.registry.find(ctx.param("id")))));
}

http_response re_enable_registry_record(services& s, request_context& ctx) {
  if (auto done = s.fleet.registry.re_enable(ctx.param("id"), registry_author_of(ctx)); !done)
    return problem_for(done.error());
  return json_response(200, json::serialize(to_json(*s.fleet.registry.find(ctx.param("id")))));
}

}  // namespace mothership::api::handlers
