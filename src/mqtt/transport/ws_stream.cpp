// MQTT over WebSocket (ws and wss) for browser clients: an HTTP upgrade that must offer the
// "mqtt" subprotocol [MQTT-6.0.0-3], then MQTT bytes in binary frames [MQTT-6.0.0-1]; a
// packet may span frames and a frame may hold several packets [MQTT-6.0.0-2].
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <cctype>
#include <type_traits>

#include "mqtt/transport/streams.hpp"

namespace mothership::mqtt {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using tls_socket = asio::ssl::stream<tcp::socket>;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

namespace {

// True when the comma-separated Sec-WebSocket-Protocol list offers "mqtt".
bool offers_mqtt(std::string_view offered) {
  while (!offered.empty()) {
    auto comma = offered.find(',');
    auto item = offered.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == "mqtt") return true;
    if (comma == std::string_view::npos) break;
    offered.remove_prefix(comma + 1);
  }
  return false;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

http::response<http::string_body> refusal(unsigned version, http::status status, std::string body) {
  http::response<http::string_body> response{status, version};
  response.set(http::field::content_type, "text/plain");
  response.body() = std::move(body);
  response.keep_alive(false);
  response.prepare_payload();
  return response;
}

template <class Next>
class ws_byte_stream final : public byte_stream {
  static constexpr bool secure = std::is_same_v<Next, tls_socket>;

 public:
  ws_byte_stream(tcp::socket socket, std::shared_ptr<const ws_settings> settings) requires(!secure)
      : settings_(std::move(settings)), ws_(std::move(socket)) {
    init();
  }
  ws_byte_stream(tcp::socket socket, const tls_settings& tls,
                 std::shared_ptr<const ws_settings> settings) requires(secure)
      : tls_(tls), settings_(std::move(settings)), ws_(std::move(socket), *tls_.context) {
    init();
  }

  asio::awaitable<boost::system::error_code> handshake() override {
    if constexpr (secure) {
      auto [ec] = co_await ws_.next_layer().async_handshake(asio::ssl::stream_base::server, nothrow);
      if (ec) co_return ec;
      read_peer_certificate(ws_.next_layer().native_handle(), tls_, peer_);
    }
    beast::flat_buffer buffer;
    http::request_parser<http::empty_body> parser;
    parser.header_limit(8192);
    auto [read_ec, n] = co_await http::async_read(ws_.next_layer(), buffer, parser, nothrow);
    if (read_ec) co_return read_ec;
    const auto& request = parser.get();
    if (!websocket::is_upgrade(request) || !offers_mqtt(request[http::field::sec_websocket_protocol])) {
      auto response = refusal(request.version(), http::status::bad_request,
                              "MQTT over WebSocket: upgrade with Sec-WebSocket-Protocol: mqtt\n");
      co_await http::async_write(ws_.next_layer(), response, nothrow);
      co_return websocket::error::no_sec_key;  // any error: the connection ends here
    }
    // Checked before the upgrade, so a foreign page never gets a WebSocket, not even briefly.
    auto origin = request.find(http::field::origin);
    if (origin != request.end() && !(settings_ && settings_->allows(origin->value()))) {
      auto response = refusal(request.version(), http::status::forbidden,
                              "MQTT over WebSocket: this Origin is not allowed (mqtt.ws_allowed_origins)\n");
      co_await http::async_write(ws_.next_layer(), response, nothrow);
      co_return websocket::error::no_sec_key;
    }
    auto [accept_ec] = co_await ws_.async_accept(request, nothrow);
    co_return accept_ec;
  }

  asio::awaitable<std::pair<boost::system::error_code, std::size_t>> read_some(asio::mutable_buffer into) override {
    auto [ec, n] = co_await ws_.async_read_some(into, nothrow);
    if (!ec && ws_.got_text()) co_return std::pair{make_error_code(websocket::error::bad_opcode), std::size_t{0}};
    co_return std::pair{ec, n};
  }

  asio::awaitable<boost::system::error_code> write(asio::const_buffer bytes) override {
    auto [ec, n] = co_await ws_.async_write(bytes, nothrow);
    co_return ec;
  }

  asio::awaitable<void> close() override {
    asio::steady_timer deadline(ws_.get_executor(), std::chrono::seconds(1));
    auto done = std::make_shared<bool>(false);  // the timer's handler may run after we return
    deadline.async_wait([this, done](const boost::system::error_code& ec) {
      if (!ec && !*done) cancel();
    });
    if (ws_.is_open()) co_await ws_.async_close(websocket::close_code::normal, nothrow);
    *done = true;
    boost::system::error_code ec;
    beast::get_lowest_layer(ws_).shutdown(tcp::socket::shutdown_both, ec);
  }

  void cancel() override {
    boost::system::error_code ec;
    beast::get_lowest_layer(ws_).cancel(ec);
  }

  asio::any_io_executor get_executor() override { return ws_.get_executor(); }
  const peer_info& peer() const override { return peer_; }

 private:
  void init() {
    peer_.address = address_of(beast::get_lowest_layer(ws_));
    peer_.transport = secure ? "wss" : "ws";
    ws_.binary(true);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
      response.set(http::field::sec_websocket_protocol, "mqtt");
      response.set(http::field::server, "mothership");
    }));
  }

  tls_settings tls_;  // holds the context a wss stream refers to
  std::shared_ptr<const ws_settings> settings_;
  websocket::stream<Next> ws_;
  peer_info peer_;
};

}  // namespace

bool ws_settings::allows(std::string_view origin) const {
  for (const auto& allowed : allowed_origins)
    if (equal_ignoring_case(allowed, origin)) return true;
  return false;
}

std::unique_ptr<byte_stream> make_ws_stream(tcp::socket socket, std::shared_ptr<const ws_settings> ws) {
  return std::make_unique<ws_byte_stream<tcp::socket>>(std::move(socket), std::move(ws));
}

std::unique_ptr<byte_stream> make_wss_stream(tcp::socket socket, const tls_settings& tls,
                                             std::shared_ptr<const ws_settings> ws) {
  return std::make_unique<ws_byte_stream<tls_socket>>(std::move(socket), tls, std::move(ws));
}

}  // namespace mothership::mqtt
