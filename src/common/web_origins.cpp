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
    auto origin = [&](const std::string& host) {
      return portal.scheme + "://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
             std::to_string(portal.port);
    };
    if (portal.host == "0.0.0.0" || portal.host == "::") {
      for (const auto& name : split_list(c.pki.server_names)) out.push_back(origin(name));
      continue;
    }
    out.push_back(origin(portal.host));
    if (portal.host.rfind("127.", 0) == 0 || portal.host == "::1") out.push_back(origin("localhost"));
  }
  return out;
}

}  // namespace mothership::common
