#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/handlers/handlers.hpp"
#include "api/json_body.hpp"
#include "api/problem.hpp"

namespace mothership::api::handlers {

namespace json = boost::json;

namespace {

json::value optional_time(const std::optional<common::millis>& t) {
  return t ? json::value(common::to_rfc3339(*t)) : json::value(nullptr);
}
json::value optional_text(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

}  // namespace

http_response claim_device(services& s, request_context& ctx) {
  auto body = read_json_object(ctx.request);
  if (auto* problem_response = std::get_if<http_response>(&body)) return std::move(*problem_response);
  field_reader fields(std::get<json::object>(body));
  auto serial = fields.text("serial", true, 64);
  // Optional only for a device whose record has a factory certificate and no code.
  auto code = fields.text("claim_code", false, 128);
  if (!fields.ok()) return fields.problem();
  auto result = s.fleet.onboarding.claim(*serial, code.value_or(""), registry_author_of(ctx));
  // The technician sees exactly why (the device side never does: see admit_device).
  if (!result) return problem_for(result.error());
  return json_response(result->status == "completed" ? 200 : 202,
                       json::serialize(json::object{{"status", result->status}, {"device_id", result->device_id}}));
}

namespace {

json::object to_json(const provisioning::provisioning_template& t) {
  return {{"model", t.model},
          {"labels", json::parse(t.labels_json)},
          {"updated_by", optional_text(t.updated_by)},
          {"updated_at", common::to_rfc3339(t.updated_at)}};
}

// A template's labels become a device's, so they follow the device label rules (registry/labels.hpp).
std::variant<registry::label_map, http_response> read_template_labels(const json::value* labels) {
  if (!labels || !labels->is_object()) return validation_failed({{"labels", "must be an object of strings"}});
  registry::label_map out;
  for (const auto& [key, value] : labels->as_object()) {
    if (!value.is_string()) return validation_failed({{"labels." + std::string(key), "must be a string"}});
    out.emplace(std::string(key), std::string(value.as_string()));
  }
  if (auto issues = registry::label_issues(out); !issues.empty())
    return problem_for(registry::label_refusal{registry::errc::invalid_labels, std::move(issues)});
  return out;
}

}  // namespace

http_response list_templates(services& s, request_context&) {
  json::array items;
  for (const auto& t : s.fleet.onboarding.templates()) items.push_back(to_json(t));
  return json_response(200, json::serialize(json::object{{"items", std::move(items)}}));
}

http_response put_template(services& s, request_context& ctx) {
  auto body = read_json_object(ctx.request);
  if (auto* problem_response = std::get_if<http_response>(&body)) return std::move(*problem_response);
  const auto& request = std::get<json::object>(body);
  const auto& model = ctx.param("id");
  if (model.empty() || model.size() > 64) return validation_failed({{"model", "must be 1 to 64 characters"}});
  auto labels = read_template_labels(request.if_contains("labels"));
  if (auto* problem_response = std::get_if<http_response>(&labels)) return std::move(*problem_response);
  auto saved = s.fleet.onboarding.save_template(model, registry::labels_json(std::get<registry::label_map>(labels)),
                                                registry_author_of(ctx));
  return json_response(200, json::serialize(to_json(saved)));
}

http_response list_onboarding(services& s, request_context&) {
  json::array items;
  for (const auto& r : s.fleet.onboarding.pending(200))
    items.push_back({{"serial", r.serial},
                     {"stage", r.stage()},
                     {"model", optional_text(r.model)},
                     {"firmware_version", optional_text(r.firmware_version)},
                     {"hello_at", optional_time(r.hello_at)},
                     {"approved_by", optional_text(r.approved_by)},
                     {"approved_at", optional_time(r.approved_at)},
                     {"device_id", optional_text(r.device_id)},
                     {"updated_at", common::to_rfc3339(r.updated_at)}});
  return json_response(200, json::serialize(json::object{{"items", std::move(items)}}));
}

}  // namespace mothership::api::handlers
