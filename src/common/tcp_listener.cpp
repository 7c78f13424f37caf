#include "common/tcp_listener.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/listen_address.hpp"

namespace mothership::common {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct tcp_listener::state {
  io_pool& io;
  tcp::acceptor acceptor;
  on_accept callback;
  state(io_pool& pool, on_accept cb) : io(pool), acceptor(pool.main()), callback(std::move(cb)) {}
};

namespace {

asio::awaitable<void> accept_loop(std::shared_ptr<tcp_listener::state> st) {
  constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
  for (;;) {
    auto [ec, accepted] = co_await st->acceptor.async_accept(nothrow);
    if (ec) {
      if (ec == asio::error::operation_aborted || !st->acceptor.is_open()) co_return;
      spdlog::warn("accept failed: {}", ec.message());  // e.g. out of file descriptors
      asio::steady_timer pause(st->acceptor.get_executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(nothrow);
      continue;
    }
    // Hand the connection to the next I/O context as a plain descriptor: no operation of one
    // context then ever holds an object of another (which would tangle their shutdowns).
    boost::system::error_code err;
    auto protocol = accepted.local_endpoint(err).protocol();
    if (err) continue;
    tcp::socket socket(st->io.next(), protocol, accepted.release(err));
    if (err) continue;
    socket.set_option(tcp::no_delay(true), err);
    st->callback(std::move(socket));
  }
}

}  // namespace

tcp_listener::tcp_listener(io_pool& io, on_accept callback)
    : state_(std::make_shared<state>(io, std::move(callback))) {}

tcp_listener::~tcp_listener() = default;

tcp::endpoint tcp_listener::listen(const std::string& host_port) {
  tcp::endpoint endpoint = parse_listen_address(state_->io.main(), host_port);
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  asio::co_spawn(acceptor.get_executor(), accept_loop(state_), asio::detached);
  return acceptor.local_endpoint();
}

void tcp_listener::close() {
  asio::post(state_->acceptor.get_executor(), [st = state_] {
    boost::system::error_code ec;
    st->acceptor.close(ec);
  });
}

}  // namespace mothership::common
