#include "api_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <stdexcept>

namespace mothership::sim {

namespace asio = boost::asio;
namespace http = boost::beast::http;

api_client::api_client(const std::string& base_url, std::string token) : token_(std::move(token)) {
  const std::string scheme = "http://";
  if (base_url.rfind(scheme, 0) != 0) throw std::invalid_argument("--api must start with http://");
  auto rest = base_url.substr(scheme.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  auto colon = rest.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--api needs a port: http://HOST:PORT");
  host_ = rest.substr(0, colon);
  port_ = rest.substr(colon + 1);
}

namespace {

// One kept-alive connection per calling thread (the claim pool's threads), as a technician's
// browser keeps one: a new TCP connection for each claim cost both sides.
struct kept_connection {
  asio::io_context io;
  std::optional<asio::ip::tcp::socket> socket;
  std::string endpoint;  // "host:port" it is connected to
};

thread_local kept_connection kept;

}  // namespace

std::optional<api_answer> api_client::exchange(const http::request<http::string_body>& request) const {
  const std::string endpoint = host_ + ":" + port_;
  if (kept.socket && kept.endpoint != endpoint) kept.socket.reset();
  if (!kept.socket) {
    kept.socket.emplace(kept.io);
    asio::connect(*kept.socket, asio::ip::tcp::resolver(kept.io).resolve(host_, port_));
    kept.endpoint = endpoint;
  }
  boost::system::error_code ec;
  http::write(*kept.socket, request, ec);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  if (!ec) http::read(*kept.socket, buffer, parser, ec);
  if (ec) {
    kept.socket.reset();
    // Nothing came back at all: the server had closed the idle connection. Otherwise the
    // request may have been acted on, and is not sent twice.
    if (ec == http::error::end_of_stream || ec == asio::error::connection_reset || ec == asio::error::broken_pipe)
      return std::nullopt;
    throw boost::system::system_error(ec, "API " + std::string(request.target()));
  }
  if (!parser.keep_alive()) kept.socket.reset();
  return api_answer{static_cast<int>(parser.get().result_int()), parser.get().body()};
}

api_answer api_client::call(const std::string& method, const std::string& target, const std::string& content_type,
                            const std::string& body) const {
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, host_);
  request.set(http::field::authorization, "Bearer " + token_);
  if (!content_type.empty()) request.set(http::field::content_type, content_type);
  request.keep_alive(true);
  request.body() = body;
  request.prepare_payload();
  const bool reused = kept.socket.has_value();
  if (auto answer = exchange(request)) return *answer;
  if (!reused) throw boost::system::system_error(asio::error::connection_reset, "API " + target);
  auto answer = exchange(request);  // once more, on a new connection
  if (!answer) throw boost::system::system_error(asio::error::connection_reset, "API " + target);
  return *answer;
}

api_answer api_client::post(const std::string& target, const std::string& content_type, const std::string& body) const {
  return call("POST", target, content_type, body);
}

api_answer api_client::get(const std::string& target) const {
  return call("GET", target, "", "");
}

}  // namespace mothership::sim
