// Devices' telemetry: series of bucketed points for charts, and the latest values.
#include <boost/json/serialize.hpp>
#include <charconv>

#include "api/handlers/handlers.hpp"
#include "api/problem.hpp"
#include "telemetry/query_plan.hpp"

namespace mothership::api::handlers {

namespace json = boost::json;

namespace {

constexpr std::size_t max_keys_per_query = 20;

json::value to_json(const telemetry::reading_value& v) {
  if (auto d = std::get_if<double>(&v)) return *d;
  if (auto b = std::get_if<bool>(&v)) return *b;
  return json::string(std::get<std::string>(v));
}

// Unix milliseconds or RFC 3339.
std::optional<std::int64_t> parse_time(const std::string& text) {
  std::int64_t ms = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (ec == std::errc() && end == text.data() + text.size()) return ms;
  return common::parse_rfc3339(text);
}

// `from` and `to` (default: the `span` ms before now).
telemetry::query_request read_range(const http_request& req, std::int64_t now, std::int64_t span,
                                    std::vector<field_error>& errors) {
  telemetry::query_request q;
  q.now = now;
  q.to = now;
  auto read = [&](const char* name, std::int64_t& into) {
    auto text = req.query_param(name);
    if (!text) return false;
    if (auto t = parse_time(*text))
      into = *t;
    else
      errors.push_back({name, "must be Unix milliseconds or an RFC 3339 time"});
    return true;
  };
  read("to", q.to);
  if (!read("from", q.from)) q.from = q.to - span;
  return q;
}

std::vector<std::string> split_keys(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto key = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!key.empty() && std::find(out.begin(), out.end(), key) == out.end()) out.push_back(key);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

http_response device_telemetry(services& s, request_context& ctx) {
  const auto& device_id = ctx.param("id");
  if (!s.fleet.devices.find(device_id)) return problem_for(provisioning::errc::device_not_found);
  const auto& req = ctx.request;
  std::vector<field_error> errors;
  const auto now = common::now_ms();

  auto q = read_range(req, now, 3'600'000, errors);
  if (auto interval = req.query_param("interval")) {
    if (auto ms = telemetry::parse_interval_ms(*interval))
      q.interval_ms = *ms;
    else
      errors.push_back({"interval", "must be raw, or a duration such as 30s, 5m, 1h, 1d"});
  }
  auto agg = telemetry::aggregation::avg;
  if (auto text = req.query_param("agg")) {
    if (auto a = telemetry::parse_aggregation(*text))
      agg = *a;
    else
      errors.push_back({"agg", "must be one of avg, min, max, sum, count, last"});
  }
  if (auto limit = req.query_param("limit")) {
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
    if (ec != std::errc() || end != limit->data() + limit->size() || n < 1 ||
        n > static_cast<std::size_t>(s.config.telemetry.max_points))
      errors.push_back(
          {"limit", "must be between 1 and " + std::to_string(s.config.telemetry.max_points) + " points per key"});
    else
      q.limit = n;
  }
  std::vector<std::string> keys = split_keys(req.query_param("keys").value_or(""));
  if (keys.empty()) keys = s.telemetry.store.keys_of(device_id);
  if (keys.size() > max_keys_per_query)
    errors.push_back({"keys", "at most " + std::to_string(max_keys_per_query) + " keys per query"});
  if (!errors.empty()) return validation_failed(std::move(errors));

  telemetry::query_limits limits;
  limits.max_points = static_cast<std::size_t>(s.config.telemetry.max_points);
  auto planned = telemetry::plan_query(q, s.telemetry.kept, limits);
  if (auto* why = std::get_if<std::string>(&planned)) return validation_failed({{"from", *why}});
  const auto& plan = std::get<telemetry::query_plan>(planned);

  bool truncated = plan.truncated;
  json::array series;
  for (auto& answer : s.telemetry.store.query(device_id, keys, plan, agg, q.limit)) {
    json::array points;
    points.reserve(answer.points.size());
    for (const auto& p : answer.points) points.push_back(json::array{p.ts, to_json(p.value)});
    truncated = truncated || answer.truncated;
    series.push_back({{"key", answer.key},
                      {"kind", telemetry::name(answer.kind)},
                      {"points", std::move(points)},
                      {"truncated", answer.truncated}});
  }
  json::object out{{"device_id", device_id},
                   {"from", plan.from},
                   {"to", plan.to},
                   {"interval_ms", plan.interval_ms},
                   {"source", telemetry::name(plan.source)},
                   {"agg", telemetry::name(agg)},
                   {"truncated", truncated},
                   {"series", std::move(series)}};
  if (truncated)
    out["truncated_reason"] =
        "more than " + std::to_string(q.limit) +
        " points per key: the answer stops at `to`; ask again from there, or with a longer interval";
  return json_response(200, json::serialize(out));
}

http_response fleet_telemetry(services& s, request_context& ctx) {
  const auto& req = ctx.request;
  const auto now = common::now_ms();
  std::vector<field_error> errors;
  auto q = read_range(req, now, 86'400'000, errors);
  q.limit = 300;
  if (auto interval = req.query_param("interval")) {
    if (auto ms = telemetry::parse_interval_ms(*interval); ms && *ms > 0)
      q.interval_ms = *ms;
    else
      errors.push_back({"interval", "must be a duration such as 5m, 1h, 1d"});
  }
  if (!errors.empty()) return validation_failed(std::move(errors));
  telemetry::query_limits limits;
  limits.max_points = static_cast<std::size_t>(s.config.telemetry.max_points);
  if (q.interval_ms) q.limit = limits.max_points;
  auto planned = telemetry::plan_query(q, s.telemetry.kept, limits);
  if (auto* why = std::get_if<std::string>(&planned)) return validation_failed({{"from", *why}});
  const auto& plan = std::get<telemetry::query_plan>(planned);

  auto series = s.telemetry.store.query("$fleet", {"devices_online", "messages_per_minute"}, plan,
                                        telemetry::aggregation::avg, q.limit);
  auto points_of = [&](const telemetry::series_answer& a) {
    json::array points;
    for (const auto& p : a.points) points.push_back(json::array{p.ts, to_json(p.value)});
    return json::object{{"interval_ms", plan.interval_ms}, {"points", std::move(points)}};
  };
  auto counts = [](const std::vector<registry::device_store::group_count>& groups, std::string_view none) {
    json::array out;
    for (const auto& g : groups)
      out.push_back({{"name", g.name.empty() ? std::string(none) : g.name}, {"count", g.count}, {"online", g.online}});
    return out;
  };
  auto by_model = s.fleet.devices.count_by(registry::device_store::grouping::model);
  std::int64_t total = 0, online = 0;
  for (const auto& g : by_model) {
    total += g.count;
    online += g.online;
  }
  json::array by_health;
  std::int64_t reported = 0;
  for (const auto& [health, n] : s.telemetry.store.count_latest_text("health")) {
    by_health.push_back({{"name", health}, {"count", n}});
    reported += n;
  }
  if (total > reported) by_health.push_back({{"name", "unknown"}, {"count", total - reported}});
  json::object out{
      {"devices", {{"total", total}, {"online", online}, {"offline", total - online}}},
      {"by_model", counts(by_model, "unknown")},
      {"by_firmware", counts(s.fleet.devices.count_by(registry::device_store::grouping::firmware_version), "unknown")},
      {"by_health", std::move(by_health)},
      {"online", points_of(series[0])},
      {"messages_per_minute", points_of(series[1])}};
  return json_response(200, json::serialize(out));
}

http_response device_telemetry_latest(services& s, request_context& ctx) {
  const auto& device_id = ctx.param("id");
  if (!s.fleet.devices.find(device_id)) return problem_for(provisioning::errc::device_not_found);
  json::object values;
  for (const auto& v : s.telemetry.store.latest(device_id))
    values[v.key] = {{"value", to_json(v.value)}, {"ts", v.ts}, {"received_at", v.received_at}};
  return json_response(200, json::serialize(json::object{{"device_id", device_id}, {"values", std::move(values)}}));
}

}  // namespace mothership::api::handlers
