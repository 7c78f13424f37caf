#pragma once
// The security headers every answer carries, each exactly once, and when the refresh cookie
// is marked Secure. The response writer applies them, so answers the connection sends on its
// own (431, 413) carry them too.
#include <string_view>

#include "api/http_types.hpp"
#include "common/config.hpp"

namespace mothership::api {

// The portal's pages: scripts, styles, images and API calls from our own origin only; no
// inline script, no plugins, no <base> rewriting, never framed.
inline constexpr std::string_view portal_content_security_policy =
    "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'";
// Everything else (JSON, problems, the CA bundle, events): nothing in it may load or run.
inline constexpr std::string_view api_content_security_policy = "default-src 'none'; frame-ancestors 'none'";
inline constexpr std::string_view strict_transport_security = "max-age=31536000";

// Adds X-Content-Type-Options, X-Frame-Options, Referrer-Policy and Content-Security-Policy
// (the API policy unless the response already names one, as the portal's files do), and HSTS
// when the answer goes out over TLS. A header the response already has is not added again.
void add_security_headers(http_response& response, bool over_tls);

// The refresh cookie is Secure when the request came over HTTPS, when HTTPS is the only
// listener (a browser can reach us no other way), or when http.secure_cookies says a TLS
// proxy stands in front.
bool refresh_cookie_secure(const common::http_config& cfg, bool over_tls);

}  // namespace mothership::api
