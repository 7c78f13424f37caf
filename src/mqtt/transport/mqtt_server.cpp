#include "mqtt/transport/mqtt_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "mqtt/transport/mqtt_connection.hpp"

namespace mothership::mqtt {

struct mqtt_server::state : connection_context {
  using connection_context::connection_context;
};

mqtt_server::mqtt_server(common::io_pool& io, broker& b, const authenticator& authn, connection_limits limits,
                         events::event_bus* events, common::worker_pool* workers)
    : io_(io), state_(std::make_shared<state>(b, authn, limits, events, workers)) {}

mqtt_server::~mqtt_server() = default;

boost::asio::ip::tcp::endpoint mqtt_server::listen(const std::string& host_port, stream_factory make) {
  auto on_accept = [st = state_, make = std::move(make)](boost::asio::ip::tcp::socket socket) {
    auto executor = socket.get_executor();
    std::shared_ptr<connection_context> ctx = st;
    boost::asio::co_spawn(executor, serve_mqtt_connection(make(std::move(socket)), std::move(ctx)),
                          boost::asio::detached);
  };
  listeners_.push_back(std::make_unique<common::tcp_listener>(io_, std::move(on_accept)));
  return listeners_.back()->listen(host_port);
}

boost::asio::ip::tcp::endpoint mqtt_server::listen_tcp(const std::string& host_port) {
  return listen(host_port, [](boost::asio::ip::tcp::socket s) { return make_tcp_stream(std::move(s)); });
}

boost::asio::ip::tcp::endpoint mqtt_server::listen_tls(const std::string& host_port, tls_settings tls) {
  return listen(host_port, [tls](boost::asio::ip::tcp::socket s) { return make_tls_stream(std::move(s), tls); });
}

boost::asio::ip::tcp::endpoint mqtt_server::listen_ws(const std::string& host_port, ws_settings ws) {
  auto shared = std::make_shared<const ws_settings>(std::move(ws));
  return listen(host_port, [shared](boost::asio::ip::tcp::socket s) { return make_ws_stream(std::move(s), shared); });
}

boost::asio::ip::tcp::endpoint mqtt_server::listen_wss(const std::string& host_port, tls_settings tls, ws_settings ws) {
  auto shared = std::make_shared<const ws_settings>(std::move(ws));
  return listen(host_port,
                [tls, shared](boost::asio::ip::tcp::socket s) { return make_wss_stream(std::move(s), tls, shared); });
}

void mqtt_server::stop_accepting() {
  for (auto& l : listeners_) l->close();
}

std::size_t mqtt_server::open_connections() const {
  return state_->open.load();
}

std::uint64_t mqtt_server::auth_failures() const {
  return state_->auth_failures.load();
}

std::uint64_t mqtt_server::handshake_failures() const {
  return state_->handshake_failures.load();
}

}  // namespace mothership::mqtt
