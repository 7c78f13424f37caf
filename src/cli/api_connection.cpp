#include "cli/api_connection.hpp"

#include <termios.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <stdexcept>

namespace mothership::cli {

namespace asio = boost::asio;
namespace http = boost::beast::http;

api_connection::api_connection(const std::string& base_url, std::string token) : token_(std::move(token)) {
  const std::string scheme = "http://";
  if (base_url.rfind(scheme, 0) != 0) throw std::invalid_argument("--api must be http://HOST:PORT");
  auto rest = base_url.substr(scheme.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  auto colon = rest.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--api must be http://HOST:PORT");
  host_ = rest.substr(0, colon);
  port_ = rest.substr(colon + 1);
}

void api_connection::login(const std::string& username, const std::string& password) {
  auto body = boost::json::serialize(boost::json::object{{"username", username}, {"password", password}});
  auto reply = send("POST", "/api/v1/auth/login", "application/json", body);
  if (reply.status != 200) throw std::runtime_error("login failed (HTTP " + std::to_string(reply.status) + ")");
  token_ = std::string(boost::json::parse(reply.body).as_object().at("access_token").as_string());
}

api_reply api_connection::send(const std::string& method, const std::string& target, const std::string& content_type,
                               const std::string& body, const progress_fn& progress) const {
  common::string_source source(body);
  return send_stream(method, target, content_type, source, body.size(), {}, progress);
}

api_reply api_connection::send_stream(const std::string& method, const std::string& target,
                                      const std::string& content_type, common::byte_source& body, std::uint64_t length,
                                      const header_list& headers, const progress_fn& progress) const {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  asio::connect(socket, asio::ip::tcp::resolver(io).resolve(host_, port_));
  http::request<http::empty_body> head{http::string_to_verb(method), target, 11};
  head.set(http::field::host, host_);
  if (!token_.empty()) head.set(http::field::authorization, "Bearer " + token_);
  if (!content_type.empty()) head.set(http::field::content_type, content_type);
  for (const auto& [name, value] : headers) head.set(name, value);
  // Large bodies wait for the server's go-ahead; small ones (a CSV, a login) are not worth the round trip.
  const bool ask_first = length > (1 << 20);
  if (ask_first) head.set(http::field::expect, "100-continue");
  head.content_length(length);
  http::request_serializer<http::empty_body> serializer(head);
  http::write_header(socket, serializer);

  boost::beast::flat_buffer buffer;
  auto reply_of = [](const http::response<http::string_body>& r) {
    return api_reply{static_cast<int>(r.result_int()), std::string(r[http::field::content_type]), r.body()};
  };
  if (ask_first) {
    http::response_parser<http::string_body> first;
    first.body_limit(64 << 20);
    http::read_header(socket, buffer, first);
    if (first.get().result() != http::status::continue_) {
      http::read(socket, buffer, first);
      return reply_of(first.get());
    }
  }
  std::string piece(256 * 1024, '\0');
  for (std::uint64_t sent = 0; sent < length;) {
    std::size_t n =
        body.read(piece.data(), static_cast<std::size_t>(std::min<std::uint64_t>(piece.size(), length - sent)));
    if (n == 0) throw std::runtime_error("the body ended before its length");
    asio::write(socket, asio::buffer(piece.data(), n));
    sent += n;
    if (progress) progress(sent);
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  http::read(socket, buffer, parser);
  return reply_of(parser.get());
}

std::string read_password(const char* env_name) {
  if (const char* env = std::getenv(env_name); env && *env) return env;
  std::fprintf(stderr, "password: ");
  std::fflush(stderr);
  termios old{};
  bool tty = ::tcgetattr(0, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(0, TCSANOW, &quiet);
  }
  std::string password;
  std::getline(std::cin, password);
  if (tty) ::tcsetattr(0, TCSANOW, &old);
  std::fprintf(stderr, "\n");
  return password;
}

progress_bar::progress_bar(std::string label, std::size_t total)
    : label_(std::move(label)), total_(total), tty_(::isatty(2) != 0) {}

void progress_bar::update(std::size_t done) {
  int percent = total_ == 0 ? 100 : static_cast<int>(done * 100 / total_);
  if (percent == last_percent_) return;
  last_percent_ = percent;
  if (!tty_ && percent != 100) return;  // a log gets the end only
  constexpr int width = 30;
  std::string bar(static_cast<std::size_t>(width * percent / 100), '#');
  bar.resize(width, ' ');
  std::fprintf(stderr, "%s%s [%s] %3d%%", tty_ ? "\r" : "", label_.c_str(), bar.c_str(), percent);
  std::fflush(stderr);
}

void progress_bar::finish() {
  update(total_);
  std::fprintf(stderr, "\n");
}

}  // namespace mothership::cli
