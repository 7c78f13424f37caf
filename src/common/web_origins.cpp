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

std::vector<std::string> ws_allowed_origins(const config& c, const std::vector<portal_listener>& portals) {
  if (!c.mqtt.ws_allowed_origins.empty()) {
    auto configured = split_list(c.mqtt.ws_allowed_origins);
    // Browsers send an origin without a path, so "https://portal.example/" would never match.
    for (auto& o : configured)
      while (!o.empty() && o.back() == '/') o.pop_back();
    return configured;
  }
  std::vector<std::string> out;
  for (const auto& portal : portals) {
    // Browsers leave a scheme's default port out of Origin: "https://fleet.example".
    const bool default_port =
        (portal.scheme == "http" && portal.port == 80) || (portal.scheme == "https" && portal.port == 443);
    auto add = [&](const std::string& host) {
      std::string base = portal.scheme + "://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host);
      if (default_port) out.push_back(base);
      out.push_back(base + ":" + std::to_string(portal.port));
    };
    if (portal.host == "0.0.0.0" || portal.host == "::") {
      for (const auto& name : split_list(c.pki.server_names)) add(name);
      continue;
    }
    add(portal.host);
    if (portal.host.rfind("127.", 0) == 0 || portal.host == "::1") add("localhost");
  }
  return out;
}

}  // namespace mothership::common
