#include "api/security_headers.hpp"

#include <algorithm>
#include <cctype>

namespace mothership::api {

namespace {

bool same_name(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

void add_once(http_response& response, std::string_view name, std::string_view value) {
  bool present = std::any_of(response.headers.begin(), response.headers.end(),
                             [name](const auto& h) { return same_name(h.first, name); });
  if (!present) response.with_header(std::string(name), std::string(value));
}

}  // namespace

void add_security_headers(http_response& response, bool over_tls) {
  add_once(response, "X-Content-Type-Options", "nosniff");
  add_once(response, "X-Frame-Options", "DENY");  // for browsers that predate frame-ancestors
  add_once(response, "Referrer-Policy", "no-referrer");
  add_once(response, "Content-Security-Policy", api_content_security_policy);
  // Over plain HTTP the header is meaningless (browsers ignore it) and would promise what
  // that listener does not give.
  if (over_tls) add_once(response, "Strict-Transport-Security", strict_transport_security);
}

bool refresh_cookie_secure(const common::http_config& cfg, bool over_tls) {
  return over_tls || cfg.secure_cookies || (cfg.listen.empty() && !cfg.tls_listen.empty());
}

}  // namespace mothership::api
