#include "api/paging.hpp"

#include <charconv>

#include "api/problem.hpp"
#include "common/encoding.hpp"

namespace mothership::api {

std::variant<page_request, http_response> read_page_request(const http_request& request, int default_limit,
                                                            int max_limit) {
  page_request out;
  out.limit = default_limit;
  std::vector<field_error> errors;
  if (auto text = request.query_param("limit")) {
    int n = 0;
    auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
    if (ec != std::errc() || p != text->data() + text->size() || n < 1 || n > max_limit)
      errors.push_back({"limit", "must be an integer from 1 to " + std::to_string(max_limit)});
    else
      out.limit = n;
  }
  if (auto text = request.query_param("cursor"); text && !text->empty()) {
    out.cursor = common::base64url_decode(*text);
    if (!out.cursor) errors.push_back({"cursor", "is not a cursor from this endpoint"});
  }
  if (!errors.empty()) return validation_failed(std::move(errors));
  return out;
}

boost::json::value encode_cursor(const std::optional<std::string>& position) {
  if (!position) return nullptr;
  return boost::json::string(common::base64url_encode(*position));
}

std::string time_position(std::int64_t at_ms, const std::string& id) {
  return std::to_string(at_ms) + " " + id;
}

std::optional<std::pair<std::int64_t, std::string>> parse_time_position(const std::string& position) {
  auto space = position.find(' ');
  if (space == std::string::npos) return std::nullopt;
  std::int64_t at = 0;
  auto [end, ec] = std::from_chars(position.data(), position.data() + space, at);
  if (ec != std::errc() || end != position.data() + space) return std::nullopt;
  return std::pair{at, position.substr(space + 1)};
}

}  // namespace mothership::api
