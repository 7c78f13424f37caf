#include "api_client.hpp"

#include <boost/json.hpp>
#include <stdexcept>

namespace mothership::integration {

namespace json = boost::json;

http_response api_client::send(http_request request, std::string_view token) const {
  if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + std::string(token));
  return send_request(port_, request);
}

http_response api_client::get(const std::string& target, std::string_view token) const {
  return send({"GET", target}, token);
}

http_response api_client::post_json(const std::string& target, const std::string& body, std::string_view token,
                                    const header_list& extra) const {
  http_request r{"POST", target, {{"Content-Type", "application/json"}}, body};
  r.headers.insert(r.headers.end(), extra.begin(), extra.end());
  return send(std::move(r), token);
}

http_response api_client::patch_json(const std::string& target, const std::string& body, std::string_view token) const {
  return send({"PATCH", target, {{"Content-Type", "application/json"}}, body}, token);
}

http_response api_client::del(const std::string& target, std::string_view token) const {
  return send({"DELETE", target}, token);
}

std::string login_body(std::string_view username, std::string_view password) {
  return json::serialize(json::object{{"username", username}, {"password", password}});
}

session_tokens login_session(const api_client& api, std::string_view username, std::string_view password) {
  auto r = api.post_json("/api/v1/auth/login", login_body(username, password));
  if (r.status != 200)
    throw std::runtime_error("login as " + std::string(username) + " failed: " + std::to_string(r.status) + " " +
                             r.body);
  auto body = json::parse(r.body).as_object();
  session_tokens out;
  out.access_token = json::value_to<std::string>(body.at("access_token"));
  out.user_id = json::value_to<std::string>(body.at("user").at("id"));
  out.refresh_cookie = set_cookie_value(r, "ms_refresh").value_or("");
  return out;
}

std::string login(const api_client& api, std::string_view username, std::string_view password) {
  return login_session(api, username, password).access_token;
}

std::optional<std::string> set_cookie_header(const http_response& r, std::string_view name) {
  std::string prefix = std::string(name) + "=";
  for (const auto& value : r.headers_named("Set-Cookie"))
    if (value.compare(0, prefix.size(), prefix) == 0) return value;
  return std::nullopt;
}

std::optional<std::string> set_cookie_value(const http_response& r, std::string_view name) {
  auto header = set_cookie_header(r, name);
  if (!header) return std::nullopt;
  std::string rest = header->substr(name.size() + 1);
  return rest.substr(0, rest.find(';'));
}

std::string create_user(const api_client& api, std::string_view admin_token, std::string_view username,
                        std::string_view role, std::string_view password) {
  std::string body = json::serialize(json::object{{"username", username}, {"role", role}, {"password", password}});
  auto r = api.post_json("/api/v1/users", body, admin_token);
  if (r.status != 201)
    throw std::runtime_error("creating user " + std::string(username) + " failed: " + std::to_string(r.status) + " " +
                             r.body);
  return json::value_to<std::string>(json::parse(r.body).at("id"));
}

std::string replace_all(std::string text, std::string_view needle, std::string_view replacement) {
  if (needle.empty()) return text;
  for (std::size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + replacement.size()))
    text.replace(pos, needle.size(), replacement);
  return text;
}

std::string base64url_encode(std::string_view bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out.push_back(alphabet[(n >> shift) & 63]);
  }
  if (std::size_t left = bytes.size() - i) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    if (left == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(alphabet[(n >> 18) & 63]);
    out.push_back(alphabet[(n >> 12) & 63]);
    if (left == 2) out.push_back(alphabet[(n >> 6) & 63]);
  }
  return out;
}

std::string base64url_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    throw std::runtime_error("not base64url");
  };
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    acc = (acc << 6) | static_cast<unsigned>(value(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

}  // namespace mothership::integration
