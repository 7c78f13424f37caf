#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/handlers/handlers.hpp"
#include "api/json_body.hpp"
#include "api/paging.hpp"
#include "api/problem.hpp"
#include "registry/selector.hpp"

namespace mothership::api::handlers {

namespace json = boost::json;

namespace {

json::value optional_time(const std::optional<common::millis>& t) {
  return t ? json::value(common::to_rfc3339(*t)) : json::value(nullptr);
}

json::value parsed_or_null(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  boost::system::error_code ec;
  auto v = json::parse(*text, ec);
  return ec ? json::value(nullptr) : v;
}

// The latest telemetry values, by key, for the device list and page.
json::object latest_values(const std::vector<telemetry::latest_value>& values) {
  json::object out;
  for (const auto& v : values) {
    if (auto d = std::get_if<double>(&v.value))
      out[v.key] = *d;
    else if (auto b = std::get_if<bool>(&v.value))
      out[v.key] = *b;
    else
      out[v.key] = std::get<std::string>(v.value);
  }
  return out;
}

json::object to_json(const registry::device& d) {
  return {{"id", d.id},
          {"serial", d.serial},
          {"model", d.model},
          {"hw_revision", d.hw_revision},
          {"status", d.online ? "online" : "offline"},
          {"lifecycle", registry::to_string(d.stage)},
          {"firmware_version", d.firmware_version ? json::value(*d.firmware_version) : json::value(nullptr)},
          {"labels", parsed_or_null(d.labels_json)},
          {"last_seen", optional_time(d.last_seen_at)},
          {"first_connected_at", optional_time(d.first_connected_at)},
          {"onboarded_by", d.onboarded_by ? json::value(*d.onboarded_by) : json::value(nullptr)},
          {"created_at", common::to_rfc3339(d.created_at)}};
}

json::object to_json(const pki::certificate_store::certificate_record& c) {
  return {{"serial", c.serial},
          {"sha256", c.sha256},
          {"not_before", common::to_rfc3339(c.not_before)},
          {"not_after", common::to_rfc3339(c.not_after)},
          {"status", c.status},
          {"revoked_at", optional_time(c.revoked_at)},
          {"issued_at", common::to_rfc3339(c.created_at)}};
}

// The filters of GET /api/v1/devices (and of a group's device list, where `group` is the path's):
// the list, or the problem to send instead. A selector that does not parse wins over other
// errors: its problem carries the position.
std::variant<registry::device_store::list_filter, http_response> read_device_filter(services& s,
                                                                                    const http_request& req) {
  registry::device_store::list_filter f;
  std::vector<field_error> errors;
  f.search = req.query_param("q").value_or("");
  f.model = req.query_param("model");
  if (auto status = req.query_param("status")) {
    if (*status == "online" || *status == "offline")
      f.online = *status == "online";
    else
      errors.push_back({"status", "must be online or offline"});
  }
  if (auto stage = req.query_param("lifecycle")) {
    f.stage = registry::parse_lifecycle(*stage);
    if (!f.stage) errors.push_back({"lifecycle", "must be awaiting_certificate, active or decommissioned"});
  }
  if (auto label = req.query_param("label")) {  // key or key=value
    auto eq = label->find('=');
    f.label_key = label->substr(0, eq);
    if (eq != std::string::npos) f.label_value = label->substr(eq + 1);
    if (!registry::valid_label_key(*f.label_key))
      errors.push_back({"label", "must be key or key=value (key: letters, digits, '-', '_', '.', '/')"});
  }
  if (auto text = req.query_param("selector")) {
    auto parsed = registry::parse_selector(*text);
    if (!parsed) return problem_for(parsed.error());
    f.selector = std::move(*parsed);
  }
  if (auto group = req.query_param("group")) {
    if (!s.fleet.groups.find(*group))
      errors.push_back({"group", "no group has this id"});
    else
      f.group_id = *group;
  }
  if (!errors.empty()) return validation_failed(std::move(errors));
  return f;
}

http_response device_list(services& s, const http_request& req, std::optional<std::string> group_id) {
  auto paging = read_page_request(req, 50, 500);
  if (auto* problem_response = std::get_if<http_response>(&paging)) return std::move(*problem_response);
  const auto& want = std::get<page_request>(paging);
  auto filter = read_device_filter(s, req);
  if (auto* problem_response = std::get_if<http_response>(&filter)) return std::move(*problem_response);
  auto& f = std::get<registry::device_store::list_filter>(filter);
  if (group_id) f.group_id = std::move(group_id);
  f.after_id = want.cursor.value_or("");
  f.limit = want.limit;
  auto page = s.fleet.devices.list(f);
  std::vector<std::string> ids;
  ids.reserve(page.items.size());
  for (const auto& d : page.items) ids.push_back(d.id);
  auto latest = s.telemetry.store.latest_of(ids);
  json::array items;
  for (const auto& d : page.items) {
    auto item = to_json(d);
    item["telemetry"] = latest_values(latest[d.id]);
    items.push_back(std::move(item));
  }
  return json_response(200, json::serialize(json::object{{"items", std::move(items)},
                                                         {"next_cursor", encode_cursor(page.next_after_id)}}));
}

// {"labels": {"key": "value" | null, ...}}: null removes the key.
std::variant<registry::label_patch, http_response> read_label_patch(const http_request& req) {
  auto body = read_json_object(req);
  if (auto* problem_response = std::get_if<http_response>(&body)) return std::move(*problem_response);
  const auto* labels = std::get<json::object>(body).if_contains("labels");
  if (!labels) return validation_failed({{"labels", "is required"}});
  if (!labels->is_object()) return validation_failed({{"labels", "must be an object of strings or nulls"}});
  registry::label_patch patch;
  std::vector<field_error> errors;
  for (const auto& [key, value] : labels->as_object()) {
    if (value.is_string())
      patch.emplace(std::string(key), std::string(value.as_string()));
    else if (value.is_null())
      patch.emplace(std::string(key), std::nullopt);
    else
      errors.push_back({"labels." + std::string(key), "must be a string, or null to remove the label"});
  }
  if (!errors.empty()) return validation_failed(std::move(errors));
  return patch;
}

}  // namespace

http_response list_devices(services& s, request_context& ctx) {
  return device_list(s, ctx.request, std::nullopt);
}

http_response list_group_devices(services& s, request_context& ctx) {
  if (auto g = s.fleet.groups.find(ctx.param("id")); !g) return problem_for(g.error());
  return device_list(s, ctx.request, ctx.param("id"));
}

http_response get_device(services& s, request_context& ctx) {
  auto d = s.fleet.devices.find(ctx.param("id"));
  if (!d) return problem_for(provisioning::errc::device_not_found);
  auto out = to_json(*d);
  out["reported_state"] = parsed_or_null(d->reported_state_json);
  json::array certificates;
  for (const auto& c : s.fleet.devices.certificates(d->id)) certificates.push_back(to_json(c));
  out["certificates"] = std::move(certificates);
  json::array groups;
  for (const auto& g : s.fleet.groups.groups_of(d->id)) groups.push_back({{"id", g.id}, {"name", g.name}});
  out["groups"] = std::move(groups);
  out["telemetry"] = latest_values(s.telemetry.store.latest(d->id));
  return json_response(200, json::serialize(out));
}

http_response update_device(services& s, request_context& ctx) {
  auto patch = read_label_patch(ctx.request);
  if (auto* problem_response = std::get_if<http_response>(&patch)) return std::move(*problem_response);
  auto updated =
      s.fleet.devices.update_labels(ctx.param("id"), std::get<registry::label_patch>(patch), registry_author_of(ctx));
  if (!updated) return problem_for(updated.error());
  return get_device(s, ctx);
}

http_response revoke_device_certificate(services& s, request_context& ctx) {
  if (auto revoked = s.fleet.devices.revoke_certificate(ctx.param("id"), registry_author_of(ctx)); !revoked)
    return problem_for(revoked.error());
  return get_device(s, ctx);
}

http_response decommission_device(services& s, request_context& ctx) {
  if (auto done = s.fleet.devices.decommission(ctx.param("id"), registry_author_of(ctx)); !done)
    return problem_for(done.error());
  return get_device(s, ctx);
}

http_response ca_bundle(services& s, request_context&) {
  return http_response{200, "application/x-pem-file", s.fleet.ca.bundle_pem(), {}};
}

http_response revocation_list(services& s, request_context&) {
  return http_response{200, "application/pkix-crl", s.fleet.devices.revocation_list(), {}};
}

}  // namespace mothership::api::handlers
