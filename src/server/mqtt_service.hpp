#pragma once
// The MQTT side of `serve`: the fleet policy (who may connect and what each identity may
// touch), the broker, the listeners the configuration asks for with their TLS material,
// $SYS/broker/... topics and the broker's clock.
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "api/metrics.hpp"
#include "auth/session_service.hpp"
#include "common/config.hpp"
#include "common/io_pool.hpp"
#include "events/event_bus.hpp"
#include "mqtt/broker/broker.hpp"
#include "mqtt/broker/fleet_policy.hpp"
#include "mqtt/transport/local_client.hpp"
#include "mqtt/transport/mqtt_server.hpp"
#include "server/data_dir.hpp"
#include "server/device_fleet.hpp"
#include "server/user_connections.hpp"

namespace mothership::server {

class mqtt_service {
 public:
  mqtt_service(const common::mqtt_config& cfg, const data_dir& dir, common::io_pool& io,
               const auth::session_service& sessions, events::event_bus& bus, api::metrics& metrics, device_trust trust,
               common::worker_pool* workers);
  ~mqtt_service();

  // Binds every configured listener (logging its URL) and starts the clock and $SYS.
  // `ws_origins`: the web origins whose pages may open the WebSocket listeners.
  void start(std::vector<std::string> ws_origins);
  void stop();  // stops accepting and the clock; connections end with the I/O contexts

  mqtt::broker& broker() { return broker_; }
  // The bound TLS listener (devices' endpoint), once start() ran; nullopt without one.
  std::optional<boost::asio::ip::tcp::endpoint> tls_endpoint() const { return tls_endpoint_; }

 private:
  mqtt::tls_settings tls_settings();
  void tick();
  void publish_sys();

  const common::mqtt_config& cfg_;
  const data_dir& dir_;
  common::io_pool& io_;
  device_trust trust_;
  user_connections user_connections_;
  mqtt::fleet_policy policy_;
  mqtt::broker broker_;
  mqtt::mqtt_server listeners_;
  boost::asio::steady_timer clock_;
  std::shared_ptr<mqtt::local_client> sys_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point next_sys_ = started_;
  std::optional<mqtt::tls_settings> tls_;
  std::optional<boost::asio::ip::tcp::endpoint> tls_endpoint_;
  events::event_bus::subscription revocations_;
  events::event_bus::subscription token_revocations_;
  events::event_bus::subscription connections_;
  std::function<bool(const mqtt::identity&)> user_gone_;
};

}  // namespace mothership::server
