// The only translation unit that includes Beast's HTTP templates (compile time on 2 cores).
#include "api/http_server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

#include <atomic>
#include <cctype>

#include "api/event_stream.hpp"
#include "api/problem.hpp"
#include "api/response_writer.hpp"
#include "common/encoding.hpp"

namespace mothership::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

struct http_server::state {
  common::http_config cfg;
  dispatcher& dispatch;
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};

  state(const common::http_config& c, dispatcher& d) : cfg(c), dispatch(d) {}
};

namespace {

using beast_request = http::request<http::string_body>;
using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

constexpr bool is_tls(const plain_stream&) {
  return false;
}
constexpr bool is_tls(const tls_stream&) {
  return true;
}

// Plain HTTP needs nothing before the first request.
asio::awaitable<bool> begin(plain_stream&, std::chrono::seconds) {
  co_return true;
}

// The TLS handshake has the header timeout: a client that stalls in it holds a socket like
// one that trickles its request head.
asio::awaitable<bool> begin(tls_stream& stream, std::chrono::seconds timeout) {
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, nothrow);
  co_return !ec;
}

// Ends our side of the connection once the answer is written.
asio::awaitable<void> finish(plain_stream& stream) {
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  co_return;
}

// close_notify first, so the client can tell the end from a truncation; a client that closes
// without answering it (most do) ends the wait, and the timeout bounds one that does neither.
asio::awaitable<void> finish(tls_stream& stream) {
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(3));
  co_await stream.async_shutdown(nothrow);
  beast::error_code ec;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ec);
}

// Request ids need to be unique in the logs, not secret: a random per-process prefix and a
// per-thread counter, with no system call per request.
std::string next_request_id() {
  static const std::string process_prefix = common::random_token(6);
  static std::atomic<unsigned> thread_seq{0};
  thread_local const unsigned thread_tag = thread_seq.fetch_add(1);
  thread_local std::uint64_t counter = 0;
  return fmt::format("{}{:x}-{:x}", process_prefix, thread_tag, ++counter);
}

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (unsigned char c : id)
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

// Converts Beast's message to the handler-facing value; nullopt when the target is not a valid origin-form URL.
std::optional<http_request> to_request(beast_request&& in, const std::string& remote, bool over_tls) {
  auto url = boost::urls::parse_origin_form(std::string_view(in.target().data(), in.target().size()));
  if (!url) return std::nullopt;
  http_request out;
  out.method = std::string(in.method_string());
  out.path = url->path();
  if (out.path.empty()) out.path = "/";
  for (auto param : url->params()) out.query.emplace_back(param.key, param.value);
  for (const auto& field : in) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value(field.value());
    auto [it, inserted] = out.headers.emplace(name, value);
    if (!inserted) it->second += (name == "cookie" ? "; " : ", ") + value;
  }
  out.body = std::move(in.body());
  out.remote_address = remote;
  out.over_tls = over_tls;
  const std::string* incoming_id = out.header("x-request-id");
  out.request_id = incoming_id && valid_request_id(*incoming_id) ? *incoming_id : next_request_id();
  return out;
}

// A response the connection sends on its own (before any dispatch), then closes.
template <class Stream>
asio::awaitable<void> send_and_close(Stream& stream, http_response response, unsigned version,
                                     std::chrono::seconds timeout) {
  std::string id = next_request_id();
  spdlog::info("http id={} refused before dispatch: status={} ({})", id, response.status, response.body.size());
  response.with_header("X-Request-Id", id);
  std::string bytes = serialize_response(std::move(response), version, false, false, is_tls(stream));
  beast::get_lowest_layer(stream).expires_after(timeout);
  co_await asio::async_write(stream, asio::buffer(bytes), nothrow);
  co_await finish(stream);
}

// A Server-Sent Events answer: the head, then the stream's text as it comes, until the stream
// ends or the client goes. No timeout: the stream sends a keep-alive comment when quiet.
template <class Stream>
asio::awaitable<void> stream_events(Stream& stream, http_response response, unsigned version) {
  auto events = std::move(response.stream);
  events->attach(stream.get_executor());
  beast::get_lowest_layer(stream).expires_never();
  std::string bytes = serialize_stream_head(std::move(response), version, is_tls(stream));
  for (;;) {
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(bytes), nothrow);
    if (ec) break;
    auto next = co_await events->next();
    if (!next) break;
    bytes = std::move(*next);
  }
  co_await finish(stream);
}

// Beast's templates for both stream types are instantiated here only (compile time).
template <class Stream>
asio::awaitable<void> run_connection(Stream stream, std::shared_ptr<http_server::state> st) {
  const auto& cfg = st->cfg;
  const auto header_timeout = std::chrono::seconds(cfg.header_timeout_s);
  const auto request_timeout = std::chrono::seconds(cfg.request_timeout_s);
  beast::error_code remote_ec;
  auto endpoint = beast::get_lowest_layer(stream).socket().remote_endpoint(remote_ec);
  std::string remote = remote_ec ? "" : endpoint.address().to_string();
  if (!co_await begin(stream, header_timeout)) co_return;
  beast::flat_buffer buffer;
  bool first = true;

  for (;;) {
    // Wait for the next request's first byte: a fresh connection gets the header timeout, an
    // idle keep-alive connection the idle timeout. Then the whole head must follow in time.
    if (buffer.size() == 0) {
      beast::get_lowest_layer(stream).expires_after(first ? header_timeout : std::chrono::seconds(cfg.idle_timeout_s));
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), nothrow);
      if (ec) co_return;
      buffer.commit(n);
    }
    first = false;

    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(cfg.max_header_bytes));
    parser.body_limit(cfg.max_body_bytes);
    beast::get_lowest_layer(stream).expires_after(header_timeout);
    auto [head_ec, head_n] = co_await http::async_read_header(stream, buffer, parser, nothrow);
    if (head_ec == http::error::header_limit) {
      co_await send_and_close(stream,
                              problem(431, "header-too-large", "Request header fields too large",
                                      "The request head exceeds " + std::to_string(cfg.max_header_bytes) + " bytes."),
                              11, request_timeout);
      co_return;
    }
    if (head_ec == http::error::body_limit) {  // Beast checks a declared Content-Length while reading the head
      co_await send_and_close(stream,
                              problem(413, "payload-too-large", "Payload too large",
                                      "The body exceeds " + std::to_string(cfg.max_body_bytes) + " bytes."),
                              11, request_timeout);
      co_return;
    }
    if (head_ec == beast::error::timeout || head_ec == http::error::end_of_stream || head_ec == asio::error::eof ||
        head_ec == asio::error::connection_reset || head_ec == asio::error::operation_aborted ||
        head_ec == asio::ssl::error::stream_truncated)
      co_return;
    if (head_ec) {
      co_await send_and_close(stream, bad_request("The request is not valid HTTP/1.1: " + head_ec.message() + "."), 11,
                              request_timeout);
      co_return;
    }
    unsigned version = parser.get().version();
    // A declared body over the limit is refused before a byte of it is read.
    if (parser.content_length() && *parser.content_length() > cfg.max_body_bytes) {
      co_await send_and_close(stream,
                              problem(413, "payload-too-large", "Payload too large",
                                      "The body exceeds " + std::to_string(cfg.max_body_bytes) + " bytes."),
                              version, request_timeout);
      co_return;
    }
    beast::get_lowest_layer(stream).expires_after(request_timeout);
    if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
      http::response<http::empty_body> go_on{http::status::continue_, version};
      auto [ec, n] = co_await http::async_write(stream, go_on, nothrow);
      if (ec) co_return;
    }
    if (!parser.is_done()) {
      auto [body_ec, body_n] = co_await http::async_read(stream, buffer, parser, nothrow);
      if (body_ec == http::error::body_limit) {
        co_await send_and_close(stream,
                                problem(413, "payload-too-large", "Payload too large",
                                        "The body exceeds " + std::to_string(cfg.max_body_bytes) + " bytes."),
                                version, request_timeout);
        co_return;
      }
      if (body_ec) co_return;
    }

    bool keep_alive = parser.get().keep_alive();
    bool head_only = parser.get().method() == http::verb::head;
    auto request = to_request(parser.release(), remote, is_tls(stream));
    if (!request) {
      co_await send_and_close(stream, bad_request("The request target is not a valid URL path."), version,
                              request_timeout);
      co_return;
    }
    st->in_flight.fetch_add(1);
    http_response response = co_await st->dispatch.handle(std::move(*request));
    st->in_flight.fetch_sub(1);
    keep_alive = keep_alive && !st->stopping.load();

    if (response.stream) {
      co_await stream_events(stream, std::move(response), version);
      co_return;
    }
    std::string bytes = serialize_response(std::move(response), version, keep_alive, head_only, is_tls(stream));
    auto [write_ec, written] = co_await asio::async_write(stream, asio::buffer(bytes), nothrow);
    if (write_ec) co_return;
    if (!keep_alive) {
      co_await finish(stream);
      co_return;
    }
  }
}

}  // namespace

http_server::http_server(common::io_pool& io, const common::http_config& cfg, dispatcher& d)
    : io_(io), state_(std::make_shared<state>(cfg, d)) {}

http_server::~http_server() = default;

tcp::endpoint http_server::listen(const std::string& host_port) {
  listener_ = std::make_unique<common::tcp_listener>(io_, [st = state_](tcp::socket socket) {
    auto executor = socket.get_executor();
    asio::co_spawn(executor, run_connection(plain_stream(std::move(socket)), st), asio::detached);
  });
  return listener_->listen(host_port);
}

tcp::endpoint http_server::listen_tls(const std::string& host_port, std::shared_ptr<asio::ssl::context> tls) {
  // Each connection's stream refers to the context, so the callback keeps it alive.
  tls_listener_ = std::make_unique<common::tcp_listener>(io_, [st = state_, tls](tcp::socket socket) {
    auto executor = socket.get_executor();
    asio::co_spawn(executor, run_connection(tls_stream(std::move(socket), *tls), st), asio::detached);
  });
  return tls_listener_->listen(host_port);
}

void http_server::stop_accepting() {
  state_->stopping = true;
  if (listener_) listener_->close();
  if (tls_listener_) tls_listener_->close();
}

int http_server::requests_in_flight() const {
  return state_->in_flight.load();
}

}  // namespace mothership::api
