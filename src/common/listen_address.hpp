#pragma once
// "host:port" and "[v6]:port" listen addresses, as the configuration spells them.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <string>

namespace mothership::common {

// Resolves the host (names allowed) with a numeric port; port 0 lets the kernel choose.
// Throws std::invalid_argument on a malformed address.
boost::asio::ip::tcp::endpoint parse_listen_address(boost::asio::io_context& ioc, const std::string& host_port);

}  // namespace mothership::common
