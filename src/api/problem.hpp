#pragma once
// RFC 7807 problem+json responses. Each kind of problem has a stable `type` URI that clients
// can switch on; `detail` is for people.
#include <boost/system/error_code.hpp>
#include <string>
#include <vector>

#include "api/http_types.hpp"

namespace mothership::api {

struct field_error {
  std::string field;
  std::string message;
};

constexpr std::string_view problem_base = "https://mothership.dev/problems/";

// slug: "forbidden", "validation", ... (see docs/openapi.yaml)
http_response problem(int status, std::string_view slug, std::string_view title, std::string_view detail,
                      const std::vector<field_error>& errors = {});

http_response bad_request(std::string_view detail);
http_response unauthorized(std::string_view detail);
http_response forbidden(std::string_view detail);
http_response not_found(std::string_view detail = "The resource does not exist.");
http_response validation_failed(std::vector<field_error> errors);
http_response internal_error();

// The one mapping from domain error codes to HTTP problems.
http_response problem_for(const boost::system::error_code& ec);

}  // namespace mothership::api
