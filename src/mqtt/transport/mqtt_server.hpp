#pragma once
// MQTT listeners: accept connections and run each as coroutines on one I/O context of the
// pool: a reader (bytes -> packets -> broker), a writer (session outbox -> socket) and a
// keep-alive watchdog. Connection-level rules live here: CONNECT first and within a
// timeout, the maximum packet size, keep-alive at 1.5x, DISCONNECT with a reason code on
// protocol errors (MQTT 5).
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "common/io_pool.hpp"
#include "common/tcp_listener.hpp"
#include "mqtt/broker/broker.hpp"

namespace mothership::mqtt {

struct connection_limits {
  int connect_timeout_s = 10;          // a CONNECT must arrive within this
  std::uint16_t max_keep_alive_s = 0;  // 0 = accept the client's; else cap it (server keep alive)
  // A subscriber that keeps its publishers waiting this long is disconnected (MQTT 5: 0x97).
  int slow_subscriber_timeout_s = 5;
  // A write that cannot complete in this time (the client stopped reading) ends the connection.
  int write_timeout_s = 10;
};

class mqtt_server {
 public:
  mqtt_server(common::io_pool& io, broker& b, const authenticator& authn, connection_limits limits);
  ~mqtt_server();

  // Plain TCP listener on "host:port" (port 0 = any free port). Returns the bound endpoint.
  boost::asio::ip::tcp::endpoint listen_tcp(const std::string& host_port);
  void stop_accepting();
  std::size_t open_connections() const;

  struct state;

 private:
  std::shared_ptr<state> state_;
  std::unique_ptr<common::tcp_listener> tcp_;
};

}  // namespace mothership::mqtt
