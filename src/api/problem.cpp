#include "api/problem.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "auth/errors.hpp"

namespace mothership::api {

http_response problem(int status, std::string_view slug, std::string_view title, std::string_view detail,
                      const std::vector<field_error>& errors) {
  boost::json::object body{{"type", std::string(problem_base) + std::string(slug)},
                           {"title", title},
                           {"status", status},
                           {"detail", detail}};
  if (!errors.empty()) {
    boost::json::array list;
    for (const auto& e : errors) list.push_back({{"field", e.field}, {"message", e.message}});
    body["errors"] = std::move(list);
  }
  return http_response{status, "application/problem+json", boost::json::serialize(body), {}};
}

http_response bad_request(std::string_view detail) {
  return problem(400, "malformed-request", "Bad request", detail);
}

http_response unauthorized(std::string_view detail) {
  return problem(401, "unauthorized", "Authentication required", detail)
      .with_header("WWW-Authenticate", "Bearer realm=\"mothership\"");
}

http_response forbidden(std::string_view detail) {
  return problem(403, "forbidden", "Forbidden", detail);
}

http_response not_found(std::string_view detail) {
  return problem(404, "not-found", "Not found", detail);
}

http_response validation_failed(std::vector<field_error> errors) {
  return problem(422, "validation", "Validation failed", "The request has invalid fields.", errors);
}

http_response internal_error() {
  return problem(500, "internal", "Internal server error",
                 "The server failed to handle the request; quote the request id when reporting it.");
}

http_response problem_for(const boost::system::error_code& ec) {
  using auth::errc;
  if (ec.category() == auth::auth_category()) {
    switch (static_cast<errc>(ec.value())) {
      case errc::invalid_credentials:
      case errc::refresh_invalid:
      case errc::refresh_reused:
      case errc::token_malformed:
      case errc::token_unsupported_alg:
      case errc::token_unknown_key:
      case errc::token_bad_signature:
      case errc::token_expired:
      case errc::token_wrong_issuer:
      case errc::token_wrong_audience:
      case errc::user_disabled:
      case errc::token_lifetime_too_long:
      case errc::token_not_yet_valid:
      case errc::token_revoked:
        return unauthorized(ec.message());
      case errc::throttled:
        return problem(429, "rate-limited", "Too many requests", ec.message());
      case errc::user_not_found:
        return not_found("No such user.");
      case errc::username_taken:
        return problem(409, "conflict", "Conflict", ec.message());
      case errc::last_admin:
        return problem(409, "conflict", "Conflict", ec.message());
      case errc::wrong_current_password:
        return validation_failed({{"current_password", "is not the current password"}});
      case errc::password_too_weak:
        return validation_failed({{"password", ec.message()}});
    }
  }
  return internal_error();
}

}  // namespace mothership::api
