#include <boost/json/serialize.hpp>
#include <charconv>

#include "api/handlers/handlers.hpp"
#include "api/json_views.hpp"
#include "api/paging.hpp"
#include "api/problem.hpp"

namespace mothership::api::handlers {

http_response list_audit(services& s, request_context& ctx) {
  const http_request& req = ctx.request;
  auto paging = read_page_request(req, 50, 500);
  if (auto* problem_response = std::get_if<http_response>(&paging)) return std::move(*problem_response);
  const auto& want = std::get<page_request>(paging);

  audit::filter f;
  std::vector<field_error> errors;
  f.limit = want.limit;
  if (want.cursor) {
    std::int64_t id = 0;
    auto [p, ec] = std::from_chars(want.cursor->data(), want.cursor->data() + want.cursor->size(), id);
    if (ec != std::errc() || p != want.cursor->data() + want.cursor->size() || id <= 0)
      errors.push_back({"cursor", "is not a cursor from this endpoint"});
    else
      f.before_id = id;
  }
  f.actor_type = req.query_param("actor_type");
  f.actor_id = req.query_param("actor_id");
  f.action = req.query_param("action");
  f.target_type = req.query_param("target_type");
  f.target_id = req.query_param("target_id");
  if (auto r = req.query_param("result")) {
    f.result = audit::parse_outcome(*r);
    if (!f.result) errors.push_back({"result", "must be success, failure or denied"});
  }
  for (auto [name, target] : {std::pair{"since", &f.since}, std::pair{"until", &f.until}}) {
    if (auto text = req.query_param(name)) {
      *target = common::parse_rfc3339(*text);
      if (!*target) errors.push_back({name, "must be an RFC 3339 time, e.g. 2026-11-26T12:00:00Z"});
    }
  }
  if (!errors.empty()) return validation_failed(std::move(errors));

  auto page = s.audit.find(f);
  boost::json::array items;
  for (const auto& e : page.items) items.push_back(to_json(e));
  std::optional<std::string> next;
  if (page.next_before_id) next = std::to_string(*page.next_before_id);
  return json_response(200, boost::json::serialize(boost::json::object{{"items", std::move(items)},
                                                                       {"next_cursor", encode_cursor(next)}}));
}

}  // namespace mothership::api::handlers
