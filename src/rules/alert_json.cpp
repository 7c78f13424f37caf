#include "rules/alert_json.hpp"

#include <boost/json/parse.hpp>

#include "common/clock.hpp"

namespace mothership::rules {

namespace json = boost::json;

namespace {

json::value time_or_null(const std::optional<std::int64_t>& t) {
  return t ? json::value(common::to_rfc3339(*t)) : json::value(nullptr);
}
json::value text_or_null(const std::optional<std::string>& t) {
  return t ? json::value(*t) : json::value(nullptr);
}

}  // namespace

json::value to_json_value(const value& v) {
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* b = std::get_if<bool>(&v)) return *b;
  return json::string(std::get<std::string>(v));
}

json::object to_json(const alert& a) {
  json::value sample = nullptr;
  if (a.value_json) {
    boost::system::error_code ec;
    auto parsed = json::parse(*a.value_json, ec);
    if (!ec) sample = std::move(parsed);
  }
  return {{"id", a.id},
          {"rule_id", a.rule_id},
          {"rule_name", a.rule_name},
          {"device_id", a.device_id},
          {"severity", to_string(a.severity)},
          {"state", to_string(a.state)},
          {"summary", a.summary},
          {"value", std::move(sample)},
          {"raised_at", common::to_rfc3339(a.raised_at)},
          {"acknowledged_at", time_or_null(a.acknowledged_at)},
          {"acknowledged_by", text_or_null(a.acknowledged_by)},
          {"note", text_or_null(a.note)},
          {"cleared_at", time_or_null(a.cleared_at)},
          {"clear_summary", text_or_null(a.clear_summary)}};
}

json::object to_json(const rule_record& r) {
  return {{"id", r.evaluated.id},
          {"name", r.evaluated.name},
          {"condition", describe(r.evaluated.when)},
          {"kind", kind_name(r.evaluated.when)},
          {"severity", to_string(r.evaluated.severity)},
          {"enabled", r.evaluated.enabled},
          {"heartbeat_interval_s", r.evaluated.heartbeat_interval_s},
          {"scope", json::object{{"model", text_or_null(r.scope.model)},
                                 {"group_id", text_or_null(r.scope.group_id)},
                                 {"selector", text_or_null(r.scope.selector)}}},
          {"open_alerts", r.open_alerts},
          {"created_by", r.created_by},
          {"created_at", common::to_rfc3339(r.created_at)},
          {"updated_at", common::to_rfc3339(r.updated_at)}};
}

}  // namespace mothership::rules
