#include "mqtt/transport/mqtt_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "mqtt/transport/mqtt_connection.hpp"

namespace mothership::mqtt {

struct mqtt_server::state : connection_context {
  using connection_context::connection_context;
};

mqtt_server::mqtt_server(common::io_pool& io, broker& b, const authenticator& authn, connection_limits limits)
    : state_(std::make_shared<state>(b, authn, limits)) {
  tcp_ = std::make_unique<common::tcp_listener>(io, [st = state_](boost::asio::ip::tcp::socket socket) {
    auto executor = socket.get_executor();
    std::shared_ptr<connection_context> ctx = st;
    boost::asio::co_spawn(executor, serve_mqtt_connection(std::move(socket), std::move(ctx)), boost::asio::detached);
  });
}

mqtt_server::~mqtt_server() = default;

boost::asio::ip::tcp::endpoint mqtt_server::listen_tcp(const std::string& host_port) {
  return tcp_->listen(host_port);
}

void mqtt_server::stop_accepting() {
  tcp_->close();
}

std::size_t mqtt_server::open_connections() const {
  return state_->open.load();
}

}  // namespace mothership::mqtt
