#pragma once
// Reading the JSON the server sends and the agent's own state files: a field that is missing or
// of another type reads as empty, so that callers check values, not shapes.

#include <boost/json.hpp>
#include <optional>
#include <string>

namespace mothership::agent {

inline std::string text_of(const boost::json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

inline std::optional<boost::json::object> parse_object(const std::string& payload) {
  boost::system::error_code ec;
  auto v = boost::json::parse(payload, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

}  // namespace mothership::agent
