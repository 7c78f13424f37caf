#pragma once
// Reading a JSON request body: the checks every handler needs (media type, syntax, depth,
// object shape) and typed field access that collects per-field errors for one 422.
// Unknown fields are ignored (documented in docs/openapi.yaml).
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "api/http_types.hpp"
#include "api/problem.hpp"

namespace mothership::api {

// The body as a JSON object, or the problem response to send instead.
std::variant<boost::json::object, http_response> read_json_object(const http_request& request);

class field_reader {
 public:
  explicit field_reader(const boost::json::object& body) : body_(body) {}

  // A string field of 1..max_length characters (when present). Required fields report "is required".
  std::optional<std::string> text(std::string_view name, bool required, std::size_t max_length = 256);
  std::optional<bool> boolean(std::string_view name, bool required);
  bool has(std::string_view name) const { return body_.contains(name); }

  void fail(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }
  bool ok() const { return errors_.empty(); }
  http_response problem() const { return validation_failed(errors_); }

 private:
  const boost::json::object& body_;
  std::vector<field_error> errors_;
};

}  // namespace mothership::api
