#include "api/json_body.hpp"

#include <boost/json/stream_parser.hpp>

#include "api/json_duplicates.hpp"

namespace mothership::api {

namespace json = boost::json;

std::variant<json::object, http_response> read_json_object(const http_request& request) {
  const std::string* type = request.header("content-type");
  std::string media = type ? type->substr(0, type->find(';')) : std::string{};
  media.erase(0, media.find_first_not_of(" \t"));
  media.erase(media.find_last_not_of(" \t") + 1);
  for (auto& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));  // RFC 9110 §8.3.1
  if (media != "application/json")
    return problem(415, "unsupported-media-type", "Unsupported media type",
                   "Send the request body as application/json.");
  json::parse_options options;
  options.max_depth = 32;  // deeper documents are refused, never recursed into
  json::stream_parser parser({}, options);
  boost::system::error_code ec;
  std::size_t consumed = parser.write_some(request.body.data(), request.body.size(), ec);
  if (!ec && consumed == request.body.size()) parser.finish(ec);
  if (!ec && consumed < request.body.size()) ec = json::error::extra_data;
  if (ec) {
    return problem(400, "malformed-json", "Malformed JSON",
                   "The body is not valid JSON at byte " + std::to_string(consumed) + ": " + ec.message() + ".");
  }
  json::value value = parser.release();
  if (!value.is_object()) return problem(400, "malformed-json", "Malformed JSON", "The body must be a JSON object.");
  // Only a body that parsed is looked at again, so the syntax error above keeps its position.
  if (auto key = first_duplicate_key(request.body, options.max_depth)) {
    if (key->size() > 64) key->resize(64);
    return problem(400, "duplicate-key", "Duplicate key",
                   "The body names the key \"" + *key + "\" more than once in one object.");
  }
  return std::move(value.as_object());
}

std::optional<std::string> field_reader::text(std::string_view name, bool required, std::size_t max_length) {
  const json::value* v = body_.if_contains(name);
  if (!v || v->is_null()) {
    if (required) fail(std::string(name), "is required");
    return std::nullopt;
  }
  if (!v->is_string()) {
    fail(std::string(name), "must be a string");
    return std::nullopt;
  }
  const json::string& s = v->as_string();
  if (s.empty()) {
    fail(std::string(name), "must not be empty");
    return std::nullopt;
  }
  if (s.size() > max_length) {
    fail(std::string(name), "must be at most " + std::to_string(max_length) + " bytes");
    return std::nullopt;
  }
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      fail(std::string(name), "must not contain control characters");
      return std::nullopt;
    }
  }
  return std::string(s);
}

std::optional<bool> field_reader::boolean(std::string_view name, bool required) {
  const json::value* v = body_.if_contains(name);
  if (!v || v->is_null()) {
    if (required) fail(std::string(name), "is required");
    return std::nullopt;
  }
  if (!v->is_bool()) {
    fail(std::string(name), "must be true or false");
    return std::nullopt;
  }
  return v->as_bool();
}

}  // namespace mothership::api
