// Alert rules (made, changed and deleted by admins) and the alerts they raise (listed for
// everyone, acknowledged by those who act on them).
#include <boost/json/serialize.hpp>

#include "api/handlers/handlers.hpp"
#include "api/json_body.hpp"
#include "api/paging.hpp"
#include "api/problem.hpp"
#include "rules/alert_json.hpp"

namespace mothership::api::handlers {

namespace json = boost::json;

namespace {

constexpr std::size_t max_condition_length = 1024;
constexpr std::size_t max_note_length = 500;

audit::change_author author_of(const request_context& ctx) {
  return {{"user", ctx.user->id}, ctx.request.remote_address};
}

// A text member that may also be null (the scope's parts: null or "" leaves that part out).
void optional_text(const json::object& o, const char* key, std::optional<std::string>& into,
                   std::vector<field_error>& errors, const std::string& prefix) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return;
  if (!v->is_string())
    errors.push_back({prefix + key, "must be a string or null"});
  else
    into = std::string(v->as_string());
}

// The body of a create (`creating`: name and condition required) or a change.
std::variant<rules::rule_input, http_response> read_rule(const http_request& request, bool creating) {
  auto body = read_json_object(request);
  if (auto* problem_response = std::get_if<http_response>(&body)) return std::move(*problem_response);
  const auto& o = std::get<json::object>(body);
  std::vector<field_error> errors;
  rules::rule_input in;
  auto text = [&](const char* key, std::optional<std::string>& into, std::size_t max_length) {
    auto* v = o.if_contains(key);
    if (!v) {
      if (creating) errors.push_back({key, "is required"});
    } else if (!v->is_string()) {
      errors.push_back({key, "must be a string"});
    } else if (v->as_string().size() > max_length) {
      errors.push_back({key, "must be at most " + std::to_string(max_length) + " bytes"});
    } else {
      into = std::string(v->as_string());
    }
  };
  text("name", in.name, 256);
  text("condition", in.condition, max_condition_length);
  if (auto* v = o.if_contains("severity")) {
    auto parsed = v->is_string() ? rules::parse_severity(v->as_string()) : std::nullopt;
    if (!parsed)
      errors.push_back({"severity", "must be info, warning or critical"});
    else
      in.severity = parsed;
  }
  if (auto* v = o.if_contains("enabled")) {
    if (!v->is_bool())
      errors.push_back({"enabled", "must be true or false"});
    else
      in.enabled = v->as_bool();
  }
  if (auto* v = o.if_contains("heartbeat_interval_s")) {
    if (!v->is_int64() || v->as_int64() < 1 || v->as_int64() > 86400)
      errors.push_back({"heartbeat_interval_s", "must be an integer from 1 to 86400"});
    else
      in.heartbeat_interval_s = static_cast<int>(v->as_int64());
  }
  if (auto* v = o.if_contains("scope")) {
    if (v->is_null()) {
      in.scope = rules::rule_scope{};
    } else if (!v->is_object()) {
      errors.push_back({"scope", "must be an object or null"});
    } else {
      rules::rule_scope scope;
      const auto& s = v->as_object();
      optional_text(s, "model", scope.model, errors, "scope.");
      optional_text(s, "group_id", scope.group_id, errors, "scope.");
      optional_text(s, "selector", scope.selector, errors, "scope.");
      for (const auto& [key, ignored] : s)
        if (key != "model" && key != "group_id" && key != "selector")
          errors.push_back({"scope." + std::string(key), "is not a part of a scope"});
      in.scope = std::move(scope);
    }
  }
  for (const auto& [key, ignored] : o)
    if (key != "name" && key != "condition" && key != "severity" && key != "enabled" && key != "heartbeat_interval_s" &&
        key != "scope")
      errors.push_back({std::string(key), "is not a field of a rule"});
  if (!errors.empty()) return validation_failed(std::move(errors));
  return in;
}

http_response rule_response(int status, const rules::result<rules::rule_record>& r) {
  if (!r) return problem_for(r.error());
  auto out = json_response(status, json::serialize(rules::to_json(*r)));
  if (status == 201) return out.with_header("Location", "/api/v1/rules/" + r->evaluated.id);
  return out;
}

}  // namespace

http_response list_rules(services& s, request_context&) {
  json::array items;
  for (const auto& r : s.alerts.rules()) items.push_back(rules::to_json(r));
  return json_response(200, json::serialize(json::object{{"items", std::move(items)}}));
}

http_response create_rule(services& s, request_context& ctx) {
  auto in = read_rule(ctx.request, true);
  if (auto* problem_response = std::get_if<http_response>(&in)) return std::move(*problem_response);
  return rule_response(201, s.alerts.create(std::get<rules::rule_input>(in), author_of(ctx)));
}

http_response get_rule(services& s, request_context& ctx) {
  return rule_response(200, s.alerts.find_rule(ctx.param("id")));
}

http_response update_rule(services& s, request_context& ctx) {
  auto in = read_rule(ctx.request, false);
  if (auto* problem_response = std::get_if<http_response>(&in)) return std::move(*problem_response);
  return rule_response(200, s.alerts.update(ctx.param("id"), std::get<rules::rule_input>(in), author_of(ctx)));
}

http_response delete_rule(services& s, request_context& ctx) {
  if (auto refused = s.alerts.remove(ctx.param("id"), author_of(ctx))) return problem_for(*refused);
  return no_content();
}

http_response list_alerts(services& s, request_context& ctx) {
  auto paging = read_page_request(ctx.request, 50, 500);
  if (auto* problem_response = std::get_if<http_response>(&paging)) return std::move(*problem_response);
  const auto& want = std::get<page_request>(paging);
  rules::alert_filter f;
  f.limit = want.limit;
  std::vector<field_error> errors;
  if (want.cursor) {
    f.before = parse_time_position(*want.cursor);
    if (!f.before) errors.push_back({"cursor", "is not a cursor of this list"});
  }
  if (auto state = ctx.request.query_param("state")) {
    using which = rules::alert_filter::which;
    if (*state == "open")
      f.state = which::open;
    else if (*state == "raised")
      f.state = which::raised;
    else if (*state == "acknowledged")
      f.state = which::acknowledged;
    else if (*state == "cleared")
      f.state = which::cleared;
    else
      errors.push_back({"state", "must be open, raised, acknowledged or cleared"});
  }
  f.device_id = ctx.request.query_param("device_id");
  f.rule_id = ctx.request.query_param("rule_id");
  if (!errors.empty()) return validation_failed(std::move(errors));
  auto page = s.alerts.alerts(f);
  json::array items;
  for (const auto& a : page.items) items.push_back(rules::to_json(a));
  std::optional<std::string> next;
  if (page.next_before) next = time_position(page.next_before->first, page.next_before->second);
  return json_response(
      200, json::serialize(json::object{{"items", std::move(items)}, {"next_cursor", encode_cursor(next)}}));
}

http_response get_alert(services& s, request_context& ctx) {
  auto a = s.alerts.find_alert(ctx.param("id"));
  if (!a) return problem_for(a.error());
  return json_response(200, json::serialize(rules::to_json(*a)));
}

http_response acknowledge_alert(services& s, request_context& ctx) {
  std::optional<std::string> note;
  if (!ctx.request.body.empty()) {
    auto body = read_json_object(ctx.request);
    if (auto* problem_response = std::get_if<http_response>(&body)) return std::move(*problem_response);
    const auto& o = std::get<json::object>(body);
    std::vector<field_error> errors;
    if (auto* v = o.if_contains("note"); v && !v->is_null()) {
      if (!v->is_string() || v->as_string().size() > max_note_length)
        errors.push_back({"note", "must be a text of at most 500 bytes"});
      else if (!v->as_string().empty())
        note = std::string(v->as_string());
    }
    for (const auto& [key, ignored] : o)
      if (key != "note") errors.push_back({std::string(key), "is not a field of an acknowledgement"});
    if (!errors.empty()) return validation_failed(std::move(errors));
  }
  auto a = s.alerts.acknowledge(ctx.param("id"), note, author_of(ctx));
  if (!a) return problem_for(a.error());
  return json_response(200, json::serialize(rules::to_json(*a)));
}

}  // namespace mothership::api::handlers
