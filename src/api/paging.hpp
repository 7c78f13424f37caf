#pragma once
// Cursor pagination shared by list endpoints: `limit` and an opaque `cursor` in the query,
// `next_cursor` (or null) in the response. A cursor is the base64url of a position that only
// the endpoint that issued it interprets.
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "api/http_types.hpp"

namespace mothership::api {

struct page_request {
  int limit = 50;
  std::optional<std::string> cursor;  // decoded position
};

std::variant<page_request, http_response> read_page_request(const http_request& request, int default_limit,
                                                            int max_limit);
boost::json::value encode_cursor(const std::optional<std::string>& position);

// The position of lists ordered newest first by (created_at, id): "<ms> <id>".
std::string time_position(std::int64_t at_ms, const std::string& id);
std::optional<std::pair<std::int64_t, std::string>> parse_time_position(const std::string& position);

}  // namespace mothership::api
