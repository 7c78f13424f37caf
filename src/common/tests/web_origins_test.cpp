#include "common/web_origins.hpp"

#include <gtest/gtest.h>

namespace mothership::common {
namespace {

using list = std::vector<std::string>;

TEST(web_origins, default_is_the_portal_as_bound) {
  config c;
  EXPECT_EQ(ws_allowed_origins(c, "127.0.0.1", 8080), (list{"http://127.0.0.1:8080", "http://localhost:8080"}));
  EXPECT_EQ(ws_allowed_origins(c, "10.0.0.5", 80), (list{"http://10.0.0.5", "http://10.0.0.5:80"}));
  EXPECT_EQ(ws_allowed_origins(c, "::1", 8080), (list{"http://[::1]:8080", "http://localhost:8080"}));
}

TEST(web_origins, a_wildcard_listener_allows_the_server_names) {
  config c;
  c.pki.server_names = "fleet.example, 192.0.2.7";
  EXPECT_EQ(ws_allowed_origins(c, "0.0.0.0", 8080), (list{"http://fleet.example:8080", "http://192.0.2.7:8080"}));
}

TEST(web_origins, a_configured_list_replaces_the_default) {
  config c;
  c.mqtt.ws_allowed_origins = "https://portal.example/, http://localhost:5173";
  EXPECT_EQ(ws_allowed_origins(c, "127.0.0.1", 8080), (list{"https://portal.example", "http://localhost:5173"}));
}

TEST(web_origins, an_https_portal_is_allowed_beside_the_plain_one) {
  config c;
  EXPECT_EQ(
      ws_allowed_origins(c, {{"http", "127.0.0.1", 8080}, {"https", "127.0.0.1", 8443}}),
      (list{"http://127.0.0.1:8080", "http://localhost:8080", "https://127.0.0.1:8443", "https://localhost:8443"}));
}

TEST(web_origins, a_default_port_is_allowed_as_browsers_send_it_without_the_port) {
  config c;
  c.pki.server_names = "fleet.example";
  EXPECT_EQ(ws_allowed_origins(c, {{"https", "0.0.0.0", 443}}),
            (list{"https://fleet.example", "https://fleet.example:443"}));
}

TEST(web_origins, split_list_trims_and_drops_empty_items) {
  EXPECT_EQ(split_list(" a, b,,c ,"), (list{"a", "b", "c"}));
  EXPECT_EQ(split_list(""), list{});
}

}  // namespace
}  // namespace mothership::common
