#pragma once
// Convenience on top of http_client for the Mothership API: JSON requests with a bearer token,
// login, cookies. Boost.JSON stays in the .cpp; tests that inspect bodies include it themselves.
#include <optional>
#include <string>
#include <string_view>

#include "http_client.hpp"

namespace mothership::integration {

class api_client {
 public:
  explicit api_client(int port) : port_(port) {}

  http_response get(const std::string& target, std::string_view token = {}) const;
  http_response post_json(const std::string& target, const std::string& json, std::string_view token = {},
                          const header_list& extra = {}) const;
  http_response patch_json(const std::string& target, const std::string& json, std::string_view token = {}) const;
  http_response del(const std::string& target, std::string_view token = {}) const;
  // Adds "Authorization: Bearer <token>" when a token is given.
  http_response send(http_request request, std::string_view token = {}) const;

  int port() const { return port_; }

 private:
  int port_;
};

struct session_tokens {
  std::string access_token;
  std::string refresh_cookie;  // value of ms_refresh
  std::string user_id;
};

// {"username": ..., "password": ...} with proper escaping.
std::string login_body(std::string_view username, std::string_view password);
// POST /api/v1/auth/login; throws std::runtime_error unless it answers 200.
session_tokens login_session(const api_client& api, std::string_view username, std::string_view password);
std::string login(const api_client& api, std::string_view username, std::string_view password);

// The value of cookie `name` from the response's Set-Cookie headers, if set there.
std::optional<std::string> set_cookie_value(const http_response& r, std::string_view name);
// The whole Set-Cookie header that sets `name`, if any.
std::optional<std::string> set_cookie_header(const http_response& r, std::string_view name);

// Creates a user through POST /api/v1/users; throws unless 201. Returns the new user's id.
std::string create_user(const api_client& api, std::string_view admin_token, std::string_view username,
                        std::string_view role, std::string_view password);

// The body with every occurrence of `needle` replaced by `replacement`.
std::string replace_all(std::string text, std::string_view needle, std::string_view replacement);

std::string base64url_encode(std::string_view bytes);
std::string base64url_decode(std::string_view text);  // throws on bad input

}  // namespace mothership::integration
