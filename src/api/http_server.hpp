#pragma once
// The HTTP/1.1 listener (Boost.Beast). One coroutine per connection reads requests with
// limits on head size, body size and time, hands each to the dispatcher and writes the
// answer; keep-alive is honoured until the server stops.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "api/dispatcher.hpp"
#include "common/config.hpp"
#include "common/io_pool.hpp"
#include "common/tcp_listener.hpp"

namespace mothership::api {

class http_server {
 public:
  http_server(common::io_pool& io, const common::http_config& cfg, dispatcher& d);
  ~http_server();

  // Binds "host:port" (port 0 = any free port) and starts accepting. Returns the bound endpoint.
  boost::asio::ip::tcp::endpoint listen(const std::string& host_port);
  // Stops accepting; requests in progress finish and their connections close.
  void stop_accepting();
  int requests_in_flight() const;

  struct state;

 private:
  std::shared_ptr<state> state_;
  std::unique_ptr<common::tcp_listener> listener_;
};

}  // namespace mothership::api
