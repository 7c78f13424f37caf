#include "common/web_origins.hpp"

namespace mothership::common {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    auto item = text.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> ws_allowed_origins(const config& c, const std::string& http_host, unsigned short http_port) {
  if (!c.mqtt.ws_allowed_origins.empty()) {
    auto configured = split_list(c.mqtt.ws_allowed_origins);
    // Browsers send an origin without a path, so "https://portal.example/" would never match.
    for (auto& o : configured)
      while (!o.empty() && o.back() == '/') o.pop_back();
    return configured;
  }
  auto port = ":" + std::to_string(http_port);
  auto origin = [&](const std::string& host) {
    return "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + port;
  };
  std::vector<std::string> out;
  if (http_host == "0.0.0.0" || http_host == "::") {
    for (const auto& name : split_list(c.pki.server_names)) out.push_back(origin(name));
    return out;
  }
  out.push_back(origin(http_host));
  if (http_host.rfind("127.", 0) == 0 || http_host == "::1") out.push_back(origin("localhost"));
  return out;
}

}  // namespace mothership::common
