#pragma once
// Accepts TCP connections on the pool's first I/O context and hands each one, as a socket on
// the next context of the pool, to a callback. Shared by the HTTP and MQTT servers.
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>

#include "common/io_pool.hpp"

namespace mothership::common {

class tcp_listener {
 public:
  using on_accept = std::function<void(boost::asio::ip::tcp::socket)>;

  tcp_listener(io_pool& io, on_accept callback);
  ~tcp_listener();

  // Binds "host:port" (port 0 = any free port), starts accepting, returns the bound endpoint.
  boost::asio::ip::tcp::endpoint listen(const std::string& host_port);
  void close();  // stops accepting; thread-safe

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace mothership::common
