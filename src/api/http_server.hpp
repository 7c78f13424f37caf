#pragma once
// The HTTP/1.1 listeners (Boost.Beast): plain and HTTPS. One coroutine per connection reads
// requests with limits on head size, body size and time, hands each to the dispatcher and
// writes the answer; keep-alive is honoured until the server stops.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/dispatcher.hpp"
#include "common/config.hpp"
#include "common/io_pool.hpp"
#include "common/tcp_listener.hpp"

namespace boost::asio::ssl {
class context;
}

namespace mothership::api {

// The device a verified client certificate names (the argument is the connection's SSL*),
// or nullopt for a certificate that names none (a revoked one included).
using peer_device_fn = std::function<std::optional<std::string>(void* ssl)>;

class http_server {
 public:
  http_server(common::io_pool& io, const common::http_config& cfg, dispatcher& d);
  ~http_server();

  // Binds "host:port" (port 0 = any free port) and starts accepting. Returns the bound endpoint.
  boost::asio::ip::tcp::endpoint listen(const std::string& host_port);
  // The same over TLS with `tls` (server certificate and protocol versions set by the caller);
  // requests from it are marked over_tls and their answers carry HSTS. When `tls` asks for
  // client certificates, `device_of` names the device of each one (request.peer_device).
  boost::asio::ip::tcp::endpoint listen_tls(const std::string& host_port,
                                            std::shared_ptr<boost::asio::ssl::context> tls,
                                            peer_device_fn device_of = {});
  // Stops accepting; requests in progress finish and their connections close.
  void stop_accepting();
  int requests_in_flight() const;

  struct state;

 private:
  common::io_pool& io_;
  std::shared_ptr<state> state_;
  std::unique_ptr<common::tcp_listener> listener_;
  std::unique_ptr<common::tcp_listener> tls_listener_;
};

}  // namespace mothership::api
