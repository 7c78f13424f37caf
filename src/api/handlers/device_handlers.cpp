#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/handlers/handlers.hpp"
#include "api/paging.hpp"
#include "api/problem.hpp"

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

registry::change_author author_of(const request_context& ctx) {
  return {{"user", ctx.user->id}, ctx.request.remote_address};
}

// Label keys become JSON paths: keep them plain.
bool valid_label_key(const std::string& key) {
  if (key.empty() || key.size() > 64) return false;
  for (unsigned char c : key)
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

}  // namespace

http_response list_devices(services& s, request_context& ctx) {
  const auto& req = ctx.request;
  auto paging = read_page_request(req, 50, 500);
  if (auto* problem_response = std::get_if<http_response>(&paging)) return std::move(*problem_response);
  const auto& want = std::get<page_request>(paging);
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
    if (!valid_label_key(*f.label_key))
      errors.push_back({"label", "must be key or key=value (key: letters, digits, -_.)"});
  }
  if (!errors.empty()) return validation_failed(std::move(errors));
  f.after_id = want.cursor.value_or("");
  f.limit = want.limit;
  auto page = s.fleet.devices.list(f);
  json::array items;
  for (const auto& d : page.items) items.push_back(to_json(d));
  return json_response(200, json::serialize(json::object{{"items", std::move(items)},
                                                         {"next_cursor", encode_cursor(page.next_after_id)}}));
}

http_response get_device(services& s, request_context& ctx) {
  auto d = s.fleet.devices.find(ctx.param("id"));
  if (!d) return problem_for(provisioning::errc::device_not_found);
  auto out = to_json(*d);
  out["reported_state"] = parsed_or_null(d->reported_state_json);
  json::array certificates;
  for (const auto& c : s.fleet.devices.certificates(d->id)) certificates.push_back(to_json(c));
  out["certificates"] = std::move(certificates);
  return json_response(200, json::serialize(out));
}

http_response revoke_device_certificate(services& s, request_context& ctx) {
  if (auto revoked = s.fleet.devices.revoke_certificate(ctx.param("id"), author_of(ctx)); !revoked)
    return problem_for(revoked.error());
  return get_device(s, ctx);
}

http_response decommission_device(services& s, request_context& ctx) {
  if (auto done = s.fleet.devices.decommission(ctx.param("id"), author_of(ctx)); !done)
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
