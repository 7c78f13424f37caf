#include "api_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
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

api_answer api_client::call(const std::string& method, const std::string& target, const std::string& content_type,
                            const std::string& body) const {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  asio::connect(socket, asio::ip::tcp::resolver(io).resolve(host_, port_));
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, host_);
  request.set(http::field::authorization, "Bearer " + token_);
  if (!content_type.empty()) request.set(http::field::content_type, content_type);
  request.body() = body;
  request.prepare_payload();
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  http::read(socket, buffer, parser);
  boost::system::error_code ignored;
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  return {static_cast<int>(parser.get().result_int()), parser.get().body()};
}

api_answer api_client::post(const std::string& target, const std::string& content_type, const std::string& body) const {
  return call("POST", target, content_type, body);
}

api_answer api_client::get(const std::string& target) const {
  return call("GET", target, "", "");
}

}  // namespace mothership::sim
