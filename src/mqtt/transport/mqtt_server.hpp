#pragma once
// MQTT listeners: accept connections on plain TCP, TLS (optionally mutual), WebSocket and
// secure WebSocket, and run each as coroutines on one I/O context of the pool: a reader
// (bytes -> packets -> broker), a writer (session outbox -> socket) and a keep-alive
// watchdog. Connection-level rules live here: handshake and CONNECT within a timeout, the
// maximum packet size, keep-alive at 1.5x, DISCONNECT with a reason code on protocol
// errors (MQTT 5), connection events.
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <vector>

#include "common/io_pool.hpp"
#include "common/tcp_listener.hpp"
#include "common/worker_pool.hpp"
#include "events/event_bus.hpp"
#include "mqtt/broker/broker.hpp"
#include "mqtt/transport/streams.hpp"

namespace mothership::mqtt {

struct connection_limits {
  int connect_timeout_s = 10;  // the transport handshake and CONNECT must end within this
  // A subscriber that keeps its publishers waiting this long is disconnected (MQTT 5: 0x97).
  int slow_subscriber_timeout_s = 5;
  // A write that cannot complete in this time (the client stopped reading) ends the connection.
  int write_timeout_s = 10;
};

class mqtt_server {
 public:
  // `events` (may be null) receives mqtt.connected / mqtt.disconnected.
  // `workers` runs authentication that blocks (see authenticator::blocks); without it, it runs
  // on the I/O thread.
  mqtt_server(common::io_pool& io, broker& b, const authenticator& authn, connection_limits limits,
              events::event_bus* events = nullptr, common::worker_pool* workers = nullptr);
  ~mqtt_server();

  // Each binds "host:port" (port 0 = any free port) and returns the bound endpoint.
  boost::asio::ip::tcp::endpoint listen_tcp(const std::string& host_port);
  boost::asio::ip::tcp::endpoint listen_tls(const std::string& host_port, tls_settings tls);
  // `ws` says which browser origins may upgrade; by default none (clients without Origin only).
  boost::asio::ip::tcp::endpoint listen_ws(const std::string& host_port, ws_settings ws = {});
  boost::asio::ip::tcp::endpoint listen_wss(const std::string& host_port, tls_settings tls, ws_settings ws = {});
  void stop_accepting();

  std::size_t open_connections() const;
  std::uint64_t auth_failures() const;
  std::uint64_t handshake_failures() const;

  struct state;

 private:
  using stream_factory = std::function<std::unique_ptr<byte_stream>(boost::asio::ip::tcp::socket)>;
  boost::asio::ip::tcp::endpoint listen(const std::string& host_port, stream_factory make);

  common::io_pool& io_;
  std::shared_ptr<state> state_;
  std::vector<std::unique_ptr<common::tcp_listener>> listeners_;
};

}  // namespace mothership::mqtt
