// Static device groups (registry::group_service): /api/v1/groups and their members.
#include <fmt/format.h>

#include <boost/json/serialize.hpp>

#include "api/handlers/handlers.hpp"
#include "api/json_body.hpp"
#include "api/paging.hpp"
#include "api/problem.hpp"

namespace mothership::api::handlers {

namespace json = boost::json;

namespace {

json::object to_json(const registry::group& g) {
  return {{"id", g.id},
          {"name", g.name},
          {"description", g.description},
          {"member_count", g.member_count},
          {"created_by", g.created_by ? json::value(*g.created_by) : json::value(nullptr)},
          {"created_at", common::to_rfc3339(g.created_at)},
          {"updated_at", common::to_rfc3339(g.updated_at)}};
}

// A description may be empty (to clear it) and span lines, so it is not a field_reader::text.
std::optional<std::string> read_description(const json::object& body, field_reader& fields) {
  const auto* v = body.if_contains("description");
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    fields.fail("description", "must be a string");
    return std::nullopt;
  }
  if (v->as_string().size() > registry::max_group_description) {
    fields.fail("description", "must be at most 512 bytes");
    return std::nullopt;
  }
  return std::string(v->as_string());
}

// {"device_ids": ["dev_...", ...]}: 1 to registry::max_devices_per_change ids.
std::optional<std::vector<std::string>> read_device_ids(const json::object& body, field_reader& fields) {
  const auto* v = body.if_contains("device_ids");
  if (!v || !v->is_array() || v->as_array().empty() || v->as_array().size() > registry::max_devices_per_change) {
    fields.fail("device_ids", "must be an array of 1 to 500 device ids");
    return std::nullopt;
  }
  std::vector<std::string> ids;
  for (const auto& id : v->as_array()) {
    if (!id.is_string() || id.as_string().empty() || id.as_string().size() > 64) {
      fields.fail("device_ids", "must hold device ids (strings of 1 to 64 bytes)");
      return std::nullopt;
    }
    ids.emplace_back(id.as_string());
  }
  return ids;
}

}  // namespace

http_response list_groups(services& s, request_context& ctx) {
  auto paging = read_page_request(ctx.request, 50, 500);
  if (auto* problem_response = std::get_if<http_response>(&paging)) return std::move(*problem_response);
  const auto& want = std::get<page_request>(paging);
  auto page = s.fleet.groups.list(want.cursor.value_or(""), want.limit);
  json::array items;
  for (const auto& g : page.items) items.push_back(to_json(g));
  return json_response(200, json::serialize(json::object{{"items", std::move(items)},
                                                         {"next_cursor", encode_cursor(page.next_after_name)}}));
}

http_response create_group(services& s, request_context& ctx) {
  auto body = read_json_object(ctx.request);
  if (auto* problem_response = std::get_if<http_response>(&body)) return std::move(*problem_response);
  const auto& request = std::get<json::object>(body);
  field_reader fields(request);
  auto name = fields.text("name", true, registry::max_group_name);
  auto description = read_description(request, fields);
  if (!fields.ok()) return fields.problem();
  auto created = s.fleet.groups.create(*name, description.value_or(""), registry_author_of(ctx));
  if (!created) return problem_for(created.error());
  return json_response(201, json::serialize(to_json(*created)))
      .with_header("Location", "/api/v1/groups/" + created->id);
}

http_response get_group(services& s, request_context& ctx) {
  auto g = s.fleet.groups.find(ctx.param("id"));
  if (!g) return problem_for(g.error());
  return json_response(200, json::serialize(to_json(*g)));
}

http_response update_group(services& s, request_context& ctx) {
  auto body = read_json_object(ctx.request);
  if (auto* problem_response = std::get_if<http_response>(&body)) return std::move(*problem_response);
  const auto& request = std::get<json::object>(body);
  field_reader fields(request);
  registry::group_patch patch;
  patch.name = fields.text("name", false, registry::max_group_name);
  patch.description = read_description(request, fields);
  if (!fields.ok()) return fields.problem();
  auto updated = s.fleet.groups.update(ctx.param("id"), patch, registry_author_of(ctx));
  if (!updated) return problem_for(updated.error());
  return json_response(200, json::serialize(to_json(*updated)));
}

http_response delete_group(services& s, request_context& ctx) {
  if (auto removed = s.fleet.groups.remove(ctx.param("id"), registry_author_of(ctx)); !removed)
    return problem_for(removed.error());
  return no_content();
}

http_response add_group_devices(services& s, request_context& ctx) {
  auto body = read_json_object(ctx.request);
  if (auto* problem_response = std::get_if<http_response>(&body)) return std::move(*problem_response);
  const auto& request = std::get<json::object>(body);
  field_reader fields(request);
  auto ids = read_device_ids(request, fields);
  if (!fields.ok()) return fields.problem();
  auto added = s.fleet.groups.add_devices(ctx.param("id"), *ids, registry_author_of(ctx));
  if (!added) return problem_for(added.error());
  if (!added->unknown_devices.empty())
    return validation_failed(
        {{"device_ids", fmt::format("no device has the id(s) {}", fmt::join(added->unknown_devices, ", "))}});
  json::array list;
  for (const auto& id : added->added) list.emplace_back(id);
  auto g = s.fleet.groups.find(ctx.param("id"));
  if (!g) return problem_for(g.error());  // deleted in between
  return json_response(200, json::serialize(json::object{{"added", std::move(list)}, {"group", to_json(*g)}}));
}

http_response remove_group_device(services& s, request_context& ctx) {
  if (auto removed = s.fleet.groups.remove_device(ctx.param("id"), ctx.param("device_id"), registry_author_of(ctx));
      !removed)
    return problem_for(removed.error());
  return no_content();
}

}  // namespace mothership::api::handlers
