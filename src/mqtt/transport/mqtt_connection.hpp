#pragma once
// One MQTT network connection: transport handshake and CONNECT, then a reader, a writer and
// a keep-alive watchdog running together until one of them ends the connection.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <memory>

#include "common/worker_pool.hpp"
#include "events/event_bus.hpp"
#include "mqtt/broker/broker.hpp"
#include "mqtt/transport/byte_stream.hpp"
#include "mqtt/transport/mqtt_server.hpp"

namespace mothership::mqtt {

struct connection_context {
  connection_context(broker& br, const authenticator& an, connection_limits li, events::event_bus* ev,
                     common::worker_pool* wp)
      : b(br), authn(an), limits(li), events(ev), workers(wp) {}
  broker& b;
  const authenticator& authn;
  connection_limits limits;
  events::event_bus* events;     // connected / disconnected events; may be null
  common::worker_pool* workers;  // for authentication that blocks; may be null (then inline)
  std::atomic<std::size_t> open{0};
  std::atomic<std::uint64_t> auth_failures{0};       // CONNECTs refused by the authenticator
  std::atomic<std::uint64_t> handshake_failures{0};  // TLS / WebSocket handshakes that failed
};

boost::asio::awaitable<void> serve_mqtt_connection(std::unique_ptr<byte_stream> stream,
                                                   std::shared_ptr<connection_context> ctx);

}  // namespace mothership::mqtt
