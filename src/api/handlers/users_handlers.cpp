#include <boost/json/serialize.hpp>

#include "api/handlers/handlers.hpp"
#include "api/json_body.hpp"
#include "api/json_views.hpp"
#include "api/paging.hpp"
#include "api/problem.hpp"
#include "auth/password.hpp"
#include "auth/password_strength.hpp"

namespace mothership::api::handlers {

namespace {

bool valid_username(const std::string& name) {
  if (name.size() < 2 || name.size() > 64) return false;
  if (!std::isalnum(static_cast<unsigned char>(name.front()))) return false;
  for (unsigned char c : name)
    if (!(std::islower(c) || std::isdigit(c) || c == '.' || c == '_' || c == '-')) return false;
  return true;
}

std::optional<auth::role> read_role(field_reader& fields, bool required) {
  auto text = fields.text("role", required, 32);
  if (!text) return std::nullopt;
  auto r = auth::parse_role(*text);
  if (!r) fields.fail("role", "must be one of admin, technician, viewer");
  return r;
}

// `username` is whose password it is: one derived from it is refused.
std::optional<std::string> read_new_password(field_reader& fields, const char* name, bool required,
                                             std::string_view username) {
  auto pw = fields.text(name, required, auth::max_password_length);
  if (!pw) return std::nullopt;
  if (auto weakness = auth::password_weakness(*pw, username)) {
    fields.fail(name, *weakness);
    return std::nullopt;
  }
  return pw;
}

auth::requester requester_of(const request_context& ctx) {
  return {ctx.user->id, ctx.request.remote_address};
}

}  // namespace

http_response list_users(services& s, request_context& ctx) {
  auto paging = read_page_request(ctx.request, 50, 200);
  if (auto* problem_response = std::get_if<http_response>(&paging)) return std::move(*problem_response);
  const auto& want = std::get<page_request>(paging);
  auto page = s.users.list(want.cursor.value_or(""), want.limit);
  boost::json::array items;
  for (const auto& u : page.items) items.push_back(to_json(u));
  return json_response(200, boost::json::serialize(boost::json::object{
                                {"items", std::move(items)}, {"next_cursor", encode_cursor(page.next_after_id)}}));
}

http_response create_user(services& s, request_context& ctx) {
  auto body = read_json_object(ctx.request);
  if (auto* problem_response = std::get_if<http_response>(&body)) return std::move(*problem_response);
  field_reader fields(std::get<boost::json::object>(body));
  auto username = fields.text("username", true, 64);
  if (username && !valid_username(*username))
    fields.fail("username", "must be 2-64 characters: lower-case letters, digits, '.', '_' or '-'");
  auto display_name = fields.text("display_name", false, 128);
  auto role = read_role(fields, true);
  auto password = read_new_password(fields, "password", true, username.value_or(""));
  if (!fields.ok()) return fields.problem();

  auto created = s.users.create(requester_of(ctx), {*username, display_name.value_or(*username), *role, *password});
  if (!created) return problem_for(created.error());
  return json_response(201, boost::json::serialize(to_json(*created)))
      .with_header("Location", "/api/v1/users/" + created->id);
}

http_response get_user(services& s, request_context& ctx) {
  auto u = s.users.find(ctx.param("id"));
  if (!u) return problem_for(auth::errc::user_not_found);
  return json_response(200, boost::json::serialize(to_json(*u)));
}

http_response update_user(services& s, request_context& ctx) {
  auto body = read_json_object(ctx.request);
  if (auto* problem_response = std::get_if<http_response>(&body)) return std::move(*problem_response);
  field_reader fields(std::get<boost::json::object>(body));
  auth::user_patch patch;
  patch.display_name = fields.text("display_name", false, 128);
  patch.user_role = read_role(fields, false);
  patch.disabled = fields.boolean("disabled", false);
  auto target = s.users.find(ctx.param("id"));
  patch.password = read_new_password(fields, "password", false, target ? target->username : "");
  if (!fields.ok()) return fields.problem();

  auto updated = s.users.update(requester_of(ctx), ctx.param("id"), patch);
  if (!updated) return problem_for(updated.error());
  return json_response(200, boost::json::serialize(to_json(*updated)));
}

http_response delete_user(services& s, request_context& ctx) {
  auto removed = s.users.remove(requester_of(ctx), ctx.param("id"));
  if (!removed) return problem_for(removed.error());
  return no_content();
}

}  // namespace mothership::api::handlers
