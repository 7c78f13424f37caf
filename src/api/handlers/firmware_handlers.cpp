#include <boost/json/serialize.hpp>

#include "api/file_response.hpp"
#include "api/handlers/handlers.hpp"
#include "api/json_body.hpp"
#include "api/paging.hpp"
#include "api/problem.hpp"
#include "common/byte_source.hpp"

namespace mothership::api::handlers {

namespace json = boost::json;

namespace {

// Links a person opens in the browser live a quarter of an hour; a device's live longer
// (ota.download_link_ttl_s), since it may be slow and resume.
constexpr std::chrono::seconds user_link_ttl{900};

ota::change_author author_of(const request_context& ctx) {
  return {{"user", ctx.user->id}, ctx.request.remote_address};
}

json::value optional_text(const std::optional<std::string>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::object to_json(const ota::firmware& f) {
  json::array models;
  for (const auto& m : f.models) models.emplace_back(m);
  return {{"id", f.id},
          {"version", f.version},
          {"models", std::move(models)},
          {"description", f.description},
          {"release_notes", f.release_notes},
          {"filename", f.filename},
          {"size", static_cast<std::int64_t>(f.size)},
          {"sha256", f.sha256},
          {"signature", optional_text(f.signature)},
          {"signed_by", optional_text(f.signed_by)},
          {"uploaded_by", f.uploaded_by},
          {"created_at", common::to_rfc3339(f.created_at)}};
}

// The metadata of an upload travels in the query (and the signature may come as a header), so
// the body is the image itself, streamed as it arrives.
ota::upload_request upload_request_of(const http_request& request) {
  ota::upload_request r;
  r.version = request.query_param("version").value_or("");
  for (const auto& [key, value] : request.query)
    if (key == "model") r.models.push_back(value);
  r.description = request.query_param("description").value_or("");
  r.release_notes = request.query_param("release_notes").value_or("");
  r.filename = request.query_param("filename").value_or("firmware-" + r.version + ".bin");
  if (const std::string* header = request.header("x-firmware-signature"))
    r.signature = *header;
  else
    r.signature = request.query_param("signature");
  return r;
}

// A text field that may be empty (clearing the notes) and is at most `max` bytes.
std::optional<std::string> notes_field(const json::object& body, std::string_view name, field_reader& fields) {
  auto it = body.find(name);
  if (it == body.end()) return std::nullopt;
  if (!it->value().is_string()) {
    fields.fail(std::string(name), "must be a string");
    return std::nullopt;
  }
  return std::string(it->value().as_string());
}

// A refused upload; a version already taken names the version and the models, which the
// generic message cannot.
http_response upload_refused(const boost::system::error_code& ec, const ota::upload_request& r) {
  if (ec != make_error_code(ota::errc::version_taken)) return problem_for(ec);
  std::string models;
  for (std::size_t i = 0; i < r.models.size(); ++i)
    models += (i == 0 ? "" : i + 1 == r.models.size() ? " or " : ", ") + r.models[i];
  return problem(409, "version-taken", "Version taken",
                 models + " already has this version (" + r.version +
                     "): give this image a new version, or delete the old one first.");
}

}  // namespace

http_response upload_firmware(services& s, request_context& ctx) {
  const std::string* type = ctx.request.header("content-type");
  if (type && type->starts_with("multipart/"))
    return problem(415, "unsupported-media-type", "Unsupported media type",
                   "Send the image itself as the body (Content-Type: application/octet-stream) with its metadata in "
                   "the query: ?version=1.2.3&model=Thermo%203.");
  auto request = upload_request_of(ctx.request);
  // Refused before a byte of the image is read: the client learns at once, and the server
  // closes the connection instead of reading a body it would throw away.
  if (auto ok = s.firmware.precheck(request); !ok) return upload_refused(ok.error(), request);
  common::string_source whole(ctx.request.body);
  common::byte_source& image = ctx.request.body_stream ? *ctx.request.body_stream : whole;
  auto f = s.firmware.upload(request, image, author_of(ctx));
  if (!f) return upload_refused(f.error(), request);
  return json_response(201, json::serialize(to_json(*f))).with_header("Location", "/api/v1/firmware/" + f->id);
}

http_response list_firmware(services& s, request_context& ctx) {
  auto paging = read_page_request(ctx.request, 50, 500);
  if (auto* problem_response = std::get_if<http_response>(&paging)) return std::move(*problem_response);
  const auto& want = std::get<page_request>(paging);
  ota::firmware_store::list_filter f;
  f.model = ctx.request.query_param("model");
  if (want.cursor) {
    f.before = parse_time_position(*want.cursor);
    if (!f.before) return validation_failed({{"cursor", "is not one this endpoint issued"}});
  }
  f.limit = want.limit + 1;
  auto items = s.firmware.list(f);
  std::optional<std::string> next;
  if (static_cast<int>(items.size()) > want.limit) {
    items.resize(static_cast<std::size_t>(want.limit));
    next = time_position(items.back().created_at, items.back().id);
  }
  json::array out;
  for (const auto& item : items) out.push_back(to_json(item));
  return json_response(200,
                       json::serialize(json::object{{"items", std::move(out)}, {"next_cursor", encode_cursor(next)}}));
}

http_response get_firmware(services& s, request_context& ctx) {
  auto f = s.firmware.find(ctx.param("id"));
  if (!f) return problem_for(f.error());
  return json_response(200, json::serialize(to_json(*f)));
}

http_response update_firmware(services& s, request_context& ctx) {
  auto body = read_json_object(ctx.request);
  if (auto* problem_response = std::get_if<http_response>(&body)) return std::move(*problem_response);
  const auto& object = std::get<json::object>(body);
  field_reader fields(object);
  auto description = notes_field(object, "description", fields);
  auto release_notes = notes_field(object, "release_notes", fields);
  if (!fields.ok()) return fields.problem();
  auto f = s.firmware.update_notes(ctx.param("id"), description, release_notes, author_of(ctx));
  if (!f) return problem_for(f.error());
  return json_response(200, json::serialize(to_json(*f)));
}

http_response delete_firmware(services& s, request_context& ctx) {
  if (auto done = s.firmware.remove(ctx.param("id"), author_of(ctx)); !done) return problem_for(done.error());
  return no_content();
}

http_response download_firmware(services& s, request_context& ctx) {
  auto f = s.firmware.find(ctx.param("id"));
  if (!f) return problem_for(f.error());
  // Once per download, not per resumed range.
  if (!ctx.request.header("range")) s.firmware.audit_download(*f, "download", author_of(ctx));
  return file_response(ctx.request, s.firmware.blobs(), f->blob_id, f->filename);
}

// For a browser: a link it can open without the bearer token (an <a href> cannot send one).
http_response firmware_download_link(services& s, request_context& ctx) {
  auto f = s.firmware.find(ctx.param("id"));
  if (!f) return problem_for(f.error());
  auto url = s.firmware.blobs().download_url(f->blob_id, {ctx.user->id, user_link_ttl, f->filename});
  s.firmware.audit_download(*f, "download_link", author_of(ctx));
  auto expires = common::now_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(user_link_ttl).count();
  return json_response(200, json::serialize(json::object{{"url", url}, {"expires_at", common::to_rfc3339(expires)}}));
}

}  // namespace mothership::api::handlers
