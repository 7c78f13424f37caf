#pragma once
// One MQTT network connection: CONNECT handshake, then a reader, a writer and a keep-alive
// watchdog running together until one of them ends the connection.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "mqtt/broker/broker.hpp"
#include "mqtt/transport/mqtt_server.hpp"

namespace mothership::mqtt {

struct connection_context {
  connection_context(broker& br, const authenticator& an, connection_limits li) : b(br), authn(an), limits(li) {}
  broker& b;
  const authenticator& authn;
  connection_limits limits;
  std::atomic<std::size_t> open{0};
};

boost::asio::awaitable<void> serve_mqtt_connection(boost::asio::ip::tcp::socket socket,
                                                   std::shared_ptr<connection_context> ctx);

}  // namespace mothership::mqtt
