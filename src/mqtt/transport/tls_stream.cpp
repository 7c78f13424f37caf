// TLS under MQTT (optionally mutual: a client certificate our CA signed names the device).
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "mqtt/transport/streams.hpp"

namespace mothership::mqtt {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

namespace {

class tls_byte_stream final : public byte_stream {
 public:
  tls_byte_stream(tcp::socket socket, const tls_settings& tls) : tls_(tls), stream_(std::move(socket), *tls_.context) {
    peer_.address = address_of(stream_.next_layer());
    peer_.transport = "tls";
  }

  asio::awaitable<boost::system::error_code> handshake() override {
    auto [ec] = co_await stream_.async_handshake(ssl::stream_base::server, nothrow);
    if (!ec) read_peer_certificate(stream_.native_handle(), tls_, peer_);
    co_return ec;
  }

  asio::awaitable<std::pair<boost::system::error_code, std::size_t>> read_some(asio::mutable_buffer into) override {
    auto [ec, n] = co_await stream_.async_read_some(into, nothrow);
    co_return std::pair{ec, n};
  }

  asio::awaitable<boost::system::error_code> write(asio::const_buffer bytes) override {
    auto [ec, n] = co_await asio::async_write(stream_, bytes, nothrow);
    co_return ec;
  }

  // close_notify, then wait a moment for the peer's (most clients simply close the socket).
  asio::awaitable<void> close() override {
    asio::steady_timer deadline(stream_.get_executor(), std::chrono::seconds(1));
    auto done = std::make_shared<bool>(false);  // the timer's handler may run after we return
    deadline.async_wait([this, done](const boost::system::error_code& ec) {
      if (!ec && !*done) cancel();
    });
    co_await stream_.async_shutdown(nothrow);
    *done = true;
    boost::system::error_code ec;
    stream_.next_layer().shutdown(tcp::socket::shutdown_both, ec);
  }

  void cancel() override {
    boost::system::error_code ec;
    stream_.next_layer().cancel(ec);
  }

  asio::any_io_executor get_executor() override { return stream_.get_executor(); }
  const peer_info& peer() const override { return peer_; }

 private:
  tls_settings tls_;  // holds the context the stream refers to
  ssl::stream<tcp::socket> stream_;
  peer_info peer_;
};

}  // namespace

std::unique_ptr<byte_stream> make_tls_stream(tcp::socket socket, const tls_settings& tls) {
  return std::make_unique<tls_byte_stream>(std::move(socket), tls);
}

}  // namespace mothership::mqtt
