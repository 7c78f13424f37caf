#include "api/http_types.hpp"

#include <algorithm>
#include <cctype>

namespace mothership::api {

std::optional<std::string_view> http_request::bearer_token() const {
  const std::string* authorization = header("authorization");
  if (!authorization) return std::nullopt;
  std::string_view value = *authorization;
  constexpr std::string_view scheme = "Bearer ";
  if (value.size() <= scheme.size() || !std::equal(scheme.begin(), scheme.end(), value.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
      }))
    return std::nullopt;
  return value.substr(scheme.size());
}

std::optional<std::string> http_request::cookie(std::string_view name) const {
  const std::string* header_value = header("cookie");
  if (!header_value) return std::nullopt;
  std::string_view rest = *header_value;
  while (!rest.empty()) {
    auto semi = rest.find(';');
    std::string_view pair = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
  }
  return std::nullopt;
}

http_response json_response(int status, std::string body) {
  return http_response{status, "application/json", std::move(body), {}};
}

http_response no_content() {
  return http_response{204, "", "", {}};
}

}  // namespace mothership::api
