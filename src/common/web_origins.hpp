#pragma once
// The web origins ("scheme://host:port") whose pages may open the MQTT WebSocket listeners:
// mqtt.ws_allowed_origins when set, otherwise the portal's own origin as the HTTP listener
// was bound.
#include <string>
#include <vector>

#include "common/config.hpp"

namespace mothership::common {

// A bound portal listener: "http" or "https", an address (e.g. "127.0.0.1") and a port.
struct portal_listener {
  std::string scheme;
  std::string host;
  unsigned short port = 0;
};

// Default, for each listener: <scheme>://<host>:<port>; <scheme>://localhost:<port> too when the
// host is a loopback address; for a wildcard address (0.0.0.0, ::) each of pki.server_names
// instead.
std::vector<std::string> ws_allowed_origins(const config& c, const std::vector<portal_listener>& portals);
inline std::vector<std::string> ws_allowed_origins(const config& c, const std::string& http_host,
                                                   unsigned short http_port) {
  return ws_allowed_origins(c, {{"http", http_host, http_port}});
}

// "a, b,,c" -> {"a", "b", "c"}: items trimmed, empty ones dropped.
std::vector<std::string> split_list(const std::string& text);

}  // namespace mothership::common
