#include "common/listen_address.hpp"

#include <charconv>
#include <stdexcept>

namespace mothership::common {

boost::asio::ip::tcp::endpoint parse_listen_address(boost::asio::io_context& ioc, const std::string& host_port) {
  auto colon = host_port.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw std::invalid_argument("listen address must be HOST:PORT, got '" + host_port + "'");
  std::string host = host_port.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string port_text = host_port.substr(colon + 1);
  unsigned port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || p != port_text.data() + port_text.size() || port > 65535)
    throw std::invalid_argument("bad port in listen address '" + host_port + "'");
  boost::asio::ip::tcp::resolver resolver(ioc);
  return *resolver
              .resolve(host, port_text,
                       boost::asio::ip::tcp::resolver::passive | boost::asio::ip::tcp::resolver::numeric_service)
              .begin();
}

}  // namespace mothership::common
