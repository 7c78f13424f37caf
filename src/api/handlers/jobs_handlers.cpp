#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "api/handlers/handlers.hpp"
#include "api/json_body.hpp"
#include "api/paging.hpp"
#include "api/problem.hpp"
#include "registry/selector.hpp"

namespace mothership::api::handlers {

namespace json = boost::json;

namespace {

constexpr std::size_t max_device_targets = 10000;

jobs::change_author author_of(const request_context& ctx) {
  return {{"user", ctx.user->id}, ctx.request.remote_address};
}

json::value time_or_null(const std::optional<common::millis>& t) {
  return t ? json::value(common::to_rfc3339(*t)) : json::value(nullptr);
}

json::object counts_json(const jobs::job_counts& counts) {
  json::object groups{{"queued", 0}, {"in_progress", 0}, {"completed", 0}, {"failed", 0}, {"canceled", 0}};
  json::object by_status;
  for (const auto& [status, n] : counts.by_status) {
    by_status[jobs::to_string(status)] = n;
    auto& group = groups[jobs::portal_group(status)];
    group = group.as_int64() + n;
  }
  return {{"groups", std::move(groups)},
          {"by_status", std::move(by_status)},
          {"total", counts.total()},
          {"released", counts.released}};
}

json::object to_json(const jobs::job& j, const jobs::job_counts& counts) {
  json::array devices(j.targets.devices.begin(), j.targets.devices.end());
  json::array groups(j.targets.groups.begin(), j.targets.groups.end());
  return {
      {"id", j.id},
      {"kind", j.kind},
      {"firmware_id", j.firmware_id},
      {"status", jobs::to_string(j.status)},
      {"targets", {{"devices", std::move(devices)}, {"groups", std::move(groups)}, {"selector", j.targets.selector}}},
      {"continuous", j.continuous},
      {"rollout", jobs::to_json(j.rollout)},
      {"description", j.description},
      {"wave", j.wave},
      {"wave_opens_at", time_or_null(j.wave_opens_at)},
      {"reason", j.reason ? json::value(*j.reason) : json::value(nullptr)},
      {"created_by", j.created_by},
      {"created_at", common::to_rfc3339(j.created_at)},
      {"updated_at", common::to_rfc3339(j.updated_at)},
      {"completed_at", time_or_null(j.completed_at)},
      {"counts", counts_json(counts)}};
}

json::object to_json(const jobs::execution& e) {
  return {{"job_id", e.job_id},
          {"device_id", e.device_id},
          {"status", jobs::to_string(e.status)},
          {"group", jobs::portal_group(e.status)},
          {"execution_number", e.execution_number},
          {"version_number", e.version_number},
          {"step", e.step ? json::value(*e.step) : json::value(nullptr)},
          {"percent", e.percent ? json::value(*e.percent) : json::value(nullptr)},
          {"status_details", json::parse(e.status_details)},
          {"queued_at", common::to_rfc3339(e.queued_at)},
          {"released_at", time_or_null(e.released_at)},
          {"started_at", time_or_null(e.started_at)},
          {"timeout_at", time_or_null(e.timeout_at)},
          {"updated_at", common::to_rfc3339(e.updated_at)},
          {"finished_at", time_or_null(e.finished_at)}};
}

std::vector<std::string> strings_at(const json::object& o, std::string_view key, std::size_t max, field_reader& fields,
                                    std::string field) {
  std::vector<std::string> out;
  const auto* v = o.if_contains(key);
  if (!v) return out;
  if (!v->is_array() || v->as_array().size() > max) {
    fields.fail(field, "must be a list of at most " + std::to_string(max) + " strings");
    return out;
  }
  for (const auto& item : v->as_array()) {
    if (!item.is_string() || item.as_string().empty() || item.as_string().size() > 64) {
      fields.fail(field, "must hold ids of 1 to 64 characters");
      return {};
    }
    out.emplace_back(item.as_string());
  }
  return out;
}

// The body of POST /api/v1/jobs, or the 422 that lists what is wrong with it.
std::variant<jobs::job_request, http_response> read_job_request(const http_request& request) {
  auto body = read_json_object(request);
  if (auto* problem_response = std::get_if<http_response>(&body)) return std::move(*problem_response);
  const auto& o = std::get<json::object>(body);
  field_reader fields(o);
  jobs::job_request r;
  r.firmware_id = fields.text("firmware_id", true, 64).value_or("");
  r.description = fields.text("description", false, 1000).value_or("");
  r.continuous = fields.boolean("continuous", false).value_or(false);
  if (const auto* t = o.if_contains("targets"); t && t->is_object()) {
    const auto& targets = t->as_object();
    r.targets.devices = strings_at(targets, "devices", max_device_targets, fields, "targets.devices");
    r.targets.groups = strings_at(targets, "groups", 100, fields, "targets.groups");
    if (const auto* s = targets.if_contains("selector")) {
      if (!s->is_string() || s->as_string().size() > 1000)
        fields.fail("targets.selector", "must be a selector of at most 1000 characters");
      else
        r.targets.selector = std::string(s->as_string());
    }
    if (r.targets.empty() && fields.ok()) fields.fail("targets", "name devices, groups or a selector");
  } else {
    fields.fail("targets", "is required: {\"devices\": [...], \"groups\": [...], \"selector\": \"...\"}");
  }
  if (const auto* rollout = o.if_contains("rollout")) {
    if (!rollout->is_object()) {
      fields.fail("rollout", "must be an object");
    } else {
      auto parsed = jobs::parse_rollout(rollout->as_object());
      if (parsed.config)
        r.rollout = *parsed.config;
      else
        fields.fail(parsed.field, parsed.error);
    }
  }
  if (!fields.ok()) return fields.problem();
  return r;
}

json::object plan_json(const jobs::job_plan& plan) {
  json::array targets, skipped, waves;
  for (const auto& t : plan.targets)
    targets.push_back({{"device_id", t.device_id}, {"model", t.model}, {"online", t.online}});
  for (const auto& s : plan.skipped) skipped.push_back({{"device_id", s.device_id}, {"reason", s.reason}});
  for (auto w : plan.waves) waves.push_back(w);
  return {{"dry_run", true},
          {"targets", std::move(targets)},
          {"skipped", std::move(skipped)},
          {"waves", std::move(waves)},
          {"offline", plan.offline}};
}

std::optional<jobs::execution_status> status_filter(const http_request& request, bool& bad) {
  auto text = request.query_param("status");
  if (!text) return std::nullopt;
  auto s = jobs::parse_execution_status(*text);
  if (!s) bad = true;
  return s;
}

}  // namespace

http_response create_job(services& s, request_context& ctx) {
  auto read = read_job_request(ctx.request);
  if (auto* problem_response = std::get_if<http_response>(&read)) return std::move(*problem_response);
  const auto& request = std::get<jobs::job_request>(read);
  // A selector's syntax error is answered with its position before anything else.
  if (!request.targets.selector.empty())
    if (auto parsed = registry::parse_selector(request.targets.selector); !parsed)
      return problem_for(parsed.error(), "targets.selector");
  if (ctx.request.query_param("dry_run").value_or("false") == "true") {
    auto plan = s.jobs.plan(request);
    if (!plan) return problem_for(plan.error());
    return json_response(200, json::serialize(plan_json(*plan)));
  }
  auto j = s.jobs.create(request, author_of(ctx));
  if (!j) return problem_for(j.error());
  return json_response(201, json::serialize(to_json(*j, s.jobs.counts(j->id))))
      .with_header("Location", "/api/v1/jobs/" + j->id);
}

http_response list_jobs(services& s, request_context& ctx) {
  auto paging = read_page_request(ctx.request, 50, 200);
  if (auto* problem_response = std::get_if<http_response>(&paging)) return std::move(*problem_response);
  const auto& want = std::get<page_request>(paging);
  jobs::job_store::job_filter f;
  if (auto status = ctx.request.query_param("status")) {
    f.status = jobs::parse_job_status(*status);
    if (!f.status)
      return validation_failed({{"status", "must be in_progress, paused, completed, canceled or aborted"}});
  }
  if (want.cursor) {
    f.before = parse_time_position(*want.cursor);
    if (!f.before) return validation_failed({{"cursor", "is not one this endpoint issued"}});
  }
  f.limit = want.limit + 1;
  auto items = s.jobs.list(f);
  std::optional<std::string> next;
  if (static_cast<int>(items.size()) > want.limit) {
    items.resize(static_cast<std::size_t>(want.limit));
    next = time_position(items.back().created_at, items.back().id);
  }
  json::array out;
  for (const auto& j : items) out.push_back(to_json(j, s.jobs.counts(j.id)));
  return json_response(200,
                       json::serialize(json::object{{"items", std::move(out)}, {"next_cursor", encode_cursor(next)}}));
}

http_response get_job(services& s, request_context& ctx) {
  auto j = s.jobs.find(ctx.param("id"));
  if (!j) return problem_for(j.error());
  return json_response(200, json::serialize(to_json(*j, s.jobs.counts(j->id))));
}

http_response list_job_executions(services& s, request_context& ctx) {
  auto j = s.jobs.find(ctx.param("id"));
  if (!j) return problem_for(j.error());
  auto paging = read_page_request(ctx.request, 50, 500);
  if (auto* problem_response = std::get_if<http_response>(&paging)) return std::move(*problem_response);
  const auto& want = std::get<page_request>(paging);
  jobs::job_store::execution_filter f;
  bool bad = false;
  f.status = status_filter(ctx.request, bad);
  if (bad) return validation_failed({{"status", "must be an execution status such as QUEUED or FAILED"}});
  if (want.cursor) {
    auto [end, ec] = std::from_chars(want.cursor->data(), want.cursor->data() + want.cursor->size(), f.after_seq);
    if (ec != std::errc() || end != want.cursor->data() + want.cursor->size())
      return validation_failed({{"cursor", "is not one this endpoint issued"}});
  }
  f.limit = want.limit + 1;
  auto items = s.jobs.executions(j->id, f);
  std::optional<std::string> next;
  if (static_cast<int>(items.size()) > want.limit) {
    items.resize(static_cast<std::size_t>(want.limit));
    next = std::to_string(items.back().seq);
  }
  json::array out;
  for (const auto& e : items) out.push_back(to_json(e));
  return json_response(200,
                       json::serialize(json::object{{"items", std::move(out)}, {"next_cursor", encode_cursor(next)}}));
}

http_response get_job_progress(services& s, request_context& ctx) {
  auto j = s.jobs.find(ctx.param("id"));
  if (!j) return problem_for(j.error());
  json::array out;
  for (const auto& p : s.jobs.progress(j->id))
    out.push_back({{"at", common::to_rfc3339(p.at)},
                   {"queued", p.queued},
                   {"in_progress", p.in_progress},
                   {"completed", p.completed},
                   {"failed", p.failed},
                   {"canceled", p.canceled}});
  return json_response(200, json::serialize(json::object{{"items", std::move(out)}}));
}

http_response cancel_job(services& s, request_context& ctx) {
  bool force = false;
  if (!ctx.request.body.empty()) {
    auto body = read_json_object(ctx.request);
    if (auto* problem_response = std::get_if<http_response>(&body)) return std::move(*problem_response);
    field_reader fields(std::get<json::object>(body));
    force = fields.boolean("force", false).value_or(false);
    if (!fields.ok()) return fields.problem();
  }
  auto j = s.jobs.cancel(ctx.param("id"), force, author_of(ctx));
  if (!j) return problem_for(j.error());
  return json_response(200, json::serialize(to_json(*j, s.jobs.counts(j->id))));
}

http_response pause_job(services& s, request_context& ctx) {
  auto j = s.jobs.pause(ctx.param("id"), author_of(ctx));
  if (!j) return problem_for(j.error());
  return json_response(200, json::serialize(to_json(*j, s.jobs.counts(j->id))));
}

http_response resume_job(services& s, request_context& ctx) {
  auto j = s.jobs.resume(ctx.param("id"), author_of(ctx));
  if (!j) return problem_for(j.error());
  return json_response(200, json::serialize(to_json(*j, s.jobs.counts(j->id))));
}

http_response list_device_jobs(services& s, request_context& ctx) {
  json::array out;
  // The device page's firmware history: each execution with its job's firmware (its version
  // is null once the firmware was deleted; the job keeps its id).
  for (const auto& e : s.jobs.executions_of_device(ctx.param("id"), 100)) {
    auto item = to_json(e);
    auto j = s.jobs.find(e.job_id);
    std::optional<std::string> version;
    if (j)
      if (auto f = s.firmware.find(j->firmware_id)) version = f->version;
    item["job_status"] = j ? json::value(jobs::to_string(j->status)) : json::value(nullptr);
    item["firmware_id"] = j ? json::value(j->firmware_id) : json::value(nullptr);
    item["firmware_version"] = version ? json::value(*version) : json::value(nullptr);
    out.push_back(std::move(item));
  }
  return json_response(200, json::serialize(json::object{{"items", std::move(out)}}));
}

}  // namespace mothership::api::handlers
