// Reports: asked for (202 with the report), watched (status, rows written), downloaded by a
// signed link that only works for that report and user.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/handlers/handlers.hpp"
#include "api/json_body.hpp"
#include "api/paging.hpp"
#include "api/problem.hpp"

namespace mothership::api::handlers {

namespace json = boost::json;

namespace {

json::value optional_time(const std::optional<std::int64_t>& t) {
  return t ? json::value(common::to_rfc3339(*t)) : json::value(nullptr);
}
json::value optional_text(const std::optional<std::string>& t) {
  return t ? json::value(*t) : json::value(nullptr);
}

json::object to_json(services& s, const reports::report& r) {
  boost::system::error_code ec;
  auto filters = json::parse(r.filters_json, ec);
  json::object out{{"id", r.id},
                   {"kind", r.kind},
                   {"format", reports::name(r.format)},
                   {"gzip", r.gzip},
                   {"filters", ec ? json::value(json::object{}) : filters},
                   {"status", reports::name(r.status)},
                   {"rows_written", r.rows},
                   {"bytes", r.bytes},
                   {"sha256", optional_text(r.sha256)},
                   {"error", optional_text(r.error)},
                   {"created_at", common::to_rfc3339(r.created_at)},
                   {"started_at", optional_time(r.started_at)},
                   {"finished_at", optional_time(r.finished_at)},
                   {"expires_at", optional_time(r.expires_at)},
                   {"download_url", nullptr},
                   {"download_url_expires_at", nullptr}};
  if (r.status == reports::status::ready) {
    if (auto url = s.reports.download_url(r.user_id, r.id)) {
      out["download_url"] = *url;
      out["download_url_expires_at"] =
          common::to_rfc3339(common::now_ms() + s.reports.settings().link_ttl.count() * 1000);
    }
  }
  return out;
}

http_response accepted(services& s, const reports::result<reports::report>& made) {
  if (!made) return problem_for(made.error());
  return json_response(202, json::serialize(to_json(s, *made))).with_header("Location", "/api/v1/reports/" + made->id);
}

audit::change_author author_of(const request_context& ctx) {
  return {{"user", ctx.user->id}, ctx.request.remote_address};
}

}  // namespace

http_response create_report(services& s, request_context& ctx) {
  auto body = read_json_object(ctx.request);
  if (auto* problem_response = std::get_if<http_response>(&body)) return std::move(*problem_response);
  const auto& o = std::get<json::object>(body);
  std::vector<field_error> errors;
  reports::report_request req;
  auto text = [&](const char* key, std::string& into, bool required) {
    auto* v = o.if_contains(key);
    if (!v) {
      if (required) errors.push_back({key, "is required"});
    } else if (!v->is_string()) {
      errors.push_back({key, "must be a string"});
    } else {
      into = std::string(v->as_string());
    }
  };
  text("kind", req.kind, true);
  req.format = "csv";
  text("format", req.format, false);
  if (auto* g = o.if_contains("gzip")) {
    if (!g->is_bool())
      errors.push_back({"gzip", "must be true or false"});
    else
      req.gzip = g->as_bool();
  }
  if (auto* f = o.if_contains("filters")) {
    if (!f->is_object())
      errors.push_back({"filters", "must be an object"});
    else
      req.filters = f->as_object();
  }
  for (const auto& [key, v] : o)
    if (key != "kind" && key != "format" && key != "gzip" && key != "filters")
      errors.push_back({std::string(key), "is not a field of a report request"});
  if (!errors.empty()) return validation_failed(std::move(errors));
  return accepted(s, s.reports.create(author_of(ctx), ctx.user->id, req));
}

// The seed's shape: GET /api/v1/generate-report?kind=telemetry&format=csv&device_id=...: every
// other parameter is a filter (a repeated one, or one ending in "s" given with commas, a list).
http_response generate_report(services& s, request_context& ctx) {
  reports::report_request req;
  req.format = "csv";
  std::vector<field_error> errors;
  for (const auto& [key, value] : ctx.request.query) {
    if (key == "kind") {
      req.kind = value;
    } else if (key == "format") {
      req.format = value;
    } else if (key == "gzip") {
      if (value != "true" && value != "false") errors.push_back({"gzip", "must be true or false"});
      req.gzip = value == "true";
    } else if (key.ends_with("s") && key != "status") {
      auto& list = req.filters[key];
      if (!list.is_array()) list = json::array{};
      std::size_t start = 0;
      while (start <= value.size()) {
        auto comma = value.find(',', start);
        auto item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty()) list.as_array().emplace_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else {
      req.filters[key] = value;
    }
  }
  if (req.kind.empty()) errors.push_back({"kind", "is required"});
  if (!errors.empty()) return validation_failed(std::move(errors));
  return accepted(s, s.reports.create(author_of(ctx), ctx.user->id, req));
}

http_response list_reports(services& s, request_context& ctx) {
  auto paging = read_page_request(ctx.request, 50, 200);
  if (auto* problem_response = std::get_if<http_response>(&paging)) return std::move(*problem_response);
  const auto& want = std::get<page_request>(paging);
  std::optional<std::pair<std::int64_t, std::string>> before;
  if (want.cursor) {
    before = parse_time_position(*want.cursor);
    if (!before) return validation_failed({{"cursor", "is not a cursor of this list"}});
  }
  auto items = s.reports.list(ctx.user->id, want.limit + 1, before);
  std::optional<std::string> next;
  if (static_cast<int>(items.size()) > want.limit) {
    items.resize(static_cast<std::size_t>(want.limit));
    next = time_position(items.back().created_at, items.back().id);
  }
  json::array out;
  for (const auto& r : items) out.push_back(to_json(s, r));
  return json_response(200,
                       json::serialize(json::object{{"items", std::move(out)}, {"next_cursor", encode_cursor(next)}}));
}

http_response get_report(services& s, request_context& ctx) {
  auto r = s.reports.find(ctx.user->id, ctx.param("id"));
  if (!r) return problem_for(r.error());
  return json_response(200, json::serialize(to_json(s, *r)));
}

http_response download_report(services& s, request_context& ctx) {
  auto url = s.reports.download_url(ctx.user->id, ctx.param("id"));
  if (!url) return problem_for(url.error());
  http_response out{303, "", "", {}};
  return out.with_header("Location", *url);
}

}  // namespace mothership::api::handlers
