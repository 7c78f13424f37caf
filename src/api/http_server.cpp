// The only translation unit that includes Beast's HTTP templates (compile time on 2 cores).
#include "api/http_server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

#include <sys/sendfile.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <csignal>

#include "api/body_channel.hpp"
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
  peer_device_fn device_of;  // the HTTPS listener's; empty = no device identities
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};

  state(const common::http_config& c, dispatcher& d) : cfg(c), dispatch(d) {}
};

namespace {

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

// Which device the connection's client certificate names, if any (HTTPS only).
std::optional<std::string> peer_device(plain_stream&, const http_server::state&) {
  return std::nullopt;
}
std::optional<std::string> peer_device(tls_stream& stream, const http_server::state& st) {
  if (!st.device_of) return std::nullopt;
  return st.device_of(stream.native_handle());
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

// Converts Beast's request head to the handler-facing value (the body follows separately);
// nullopt when the target is not a valid origin-form URL.
std::optional<http_request> to_request(const http::request_header<>& in, const std::string& remote, bool over_tls) {
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
  out.remote_address = remote;
  out.over_tls = over_tls;
  const std::string* incoming_id = out.header("x-request-id");
  out.request_id = incoming_id && valid_request_id(*incoming_id) ? *incoming_id : next_request_id();
  return out;
}

// After an answer that leaves part of the request body unread (a refused upload), the client
// may still be sending: closing at once would make the kernel answer with a reset, which can
// destroy the answer before the client reads it. So read and drop what comes for a moment
// first, as nginx's lingering close does.
template <class Stream>
asio::awaitable<void> discard_input(Stream& stream) {
  auto& socket = beast::get_lowest_layer(stream);
  socket.expires_after(std::chrono::seconds(2));
  static thread_local char sink[16384];
  for (;;) {
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(sink), nothrow);
    if (ec) break;
  }
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
  co_await discard_input(stream);
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

// A file answer's bytes. On plain TCP with a local file, sendfile(2): the kernel copies from
// the page cache to the socket, nothing passes through user space. Otherwise (TLS, or a blob
// that is no local file) chunks are read and written; the reads are pread(2)s of a file the
// page cache normally holds, done on the I/O thread as nginx does rather than paying a thread
// hop per chunk. False when the client went away or stalled for `idle`.
asio::awaitable<bool> send_file_slice(plain_stream& stream, const blob::file_slice& slice, std::chrono::seconds idle) {
  using namespace asio::experimental::awaitable_operators;
  auto& socket = stream.socket();
  socket.native_non_blocking(true);
  auto offset = static_cast<off_t>(slice.offset);
  std::uint64_t left = slice.length;
  asio::steady_timer stall(stream.get_executor());
  while (left > 0) {
    ssize_t n = ::sendfile(socket.native_handle(), slice.fd, &offset, std::min<std::uint64_t>(left, 1 << 30));
    if (n > 0) {
      left -= static_cast<std::uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 || errno != EAGAIN) co_return false;  // n == 0: the file is shorter than it said
    stall.expires_after(idle);
    auto ready = co_await (socket.async_wait(tcp::socket::wait_write, nothrow) || stall.async_wait(nothrow));
    if (ready.index() == 1 || std::get<0>(ready) != std::tuple<beast::error_code>{}) co_return false;
  }
  co_return true;
}

template <class Stream>
asio::awaitable<bool> send_content(Stream& stream, blob::blob_reader& content, std::chrono::seconds idle) {
  if constexpr (std::is_same_v<Stream, plain_stream>) {
    if (auto slice = content.file()) co_return co_await send_file_slice(stream, *slice, idle);
  }
  std::vector<char> chunk(256 * 1024);
  for (;;) {
    std::size_t n = content.read(chunk.data(), chunk.size());
    if (n == 0) co_return true;
    beast::get_lowest_layer(stream).expires_after(idle);
    auto [ec, written] = co_await asio::async_write(stream, asio::buffer(chunk.data(), n), nothrow);
    if (ec) co_return false;
  }
}

// What a streamed request's handler (on the streaming pool) and the connection that feeds it
// its body share. Both run on the connection's thread, so no lock.
struct streamed_exchange {
  std::optional<http_response> response;
  asio::steady_timer done;
  std::function<void()> stop_reading;  // set while the connection reads the body

  explicit streamed_exchange(asio::any_io_executor ex) : done(ex) {
    done.expires_at(asio::steady_timer::time_point::max());
  }
};

asio::awaitable<void> run_streamed_handler(std::shared_ptr<http_server::state> st, http_request request,
                                           std::shared_ptr<body_channel> channel,
                                           std::shared_ptr<streamed_exchange> exchange) {
  http_response response = co_await st->dispatch.handle(std::move(request));
  // An answer before the body's end (refused, or failed half way): stop reading it.
  channel->abandon();
  if (exchange->stop_reading) exchange->stop_reading();
  exchange->response = std::move(response);
  exchange->done.cancel();
}

// Reads the body into the channel as the handler takes it. True when all of it was read (the
// connection may then serve another request).
template <class Stream>
asio::awaitable<bool> pump_body(Stream& stream, beast::flat_buffer& buffer,
                                http::request_parser<http::empty_body>& head, std::uint64_t limit,
                                body_channel& channel, std::chrono::seconds idle) {
  http::request_parser<http::buffer_body> parser{std::move(head)};
  parser.body_limit(limit);
  std::vector<char> chunk(256 * 1024);
  while (!parser.is_done()) {
    co_await channel.wait_for_room();
    if (channel.abandoned()) co_return false;
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    // Each read must progress within `idle`: a 2 GiB upload takes as long as it takes, a
    // stalled one is cut off.
    beast::get_lowest_layer(stream).expires_after(idle);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, nothrow);
    if (ec == http::error::need_buffer) ec = {};
    std::size_t got = chunk.size() - parser.get().body().size;
    if (got > 0) channel.push(std::string(chunk.data(), got));
    if (ec) {
      channel.fail(ec == http::error::body_limit ? body_channel::failure::too_large : body_channel::failure::broken);
      co_return false;
    }
  }
  channel.finish();
  co_return true;
}

template <class Stream>
asio::awaitable<bool> send_continue(Stream& stream, unsigned version) {
  http::response<http::empty_body> go_on{http::status::continue_, version};
  auto [ec, n] = co_await http::async_write(stream, go_on, nothrow);
  co_return !ec;
}

// A request whose route streams its body: the handler starts at once and reads the body as
// this connection reads it from the client. Returns the answer and whether the body was read
// to its end.
template <class Stream>
asio::awaitable<std::pair<http_response, bool>> exchange_streamed(Stream& stream, beast::flat_buffer& buffer,
                                                                  http::request_parser<http::empty_body>& head,
                                                                  http_request request, std::uint64_t limit,
                                                                  bool expects_continue,
                                                                  std::shared_ptr<http_server::state> st) {
  auto channel = std::make_shared<body_channel>(stream.get_executor());
  request.body_stream = channel;
  auto exchange = std::make_shared<streamed_exchange>(stream.get_executor());
  exchange->stop_reading = [&stream] { beast::get_lowest_layer(stream).cancel(); };
  const unsigned version = head.get().version();
  asio::co_spawn(stream.get_executor(), run_streamed_handler(st, std::move(request), channel, exchange),
                 asio::detached);
  bool complete = false;
  if (expects_continue) {
    // 100 Continue only once the handler reads: a refusal (a version taken, no permission)
    // is then the client's answer, and it never sends the body.
    co_await channel->wait_for_reader();
    if (!channel->abandoned() && !co_await send_continue(stream, version)) channel->fail(body_channel::failure::broken);
  }
  if (!channel->abandoned())
    complete =
        co_await pump_body(stream, buffer, head, limit, *channel, std::chrono::seconds(st->cfg.request_timeout_s));
  exchange->stop_reading = nullptr;
  if (!exchange->response) co_await exchange->done.async_wait(nothrow);
  co_return std::pair<http_response, bool>{std::move(*exchange->response), complete};
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
  const auto device = peer_device(stream, *st);
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

    http::request_parser<http::empty_body> head;
    head.header_limit(static_cast<std::uint32_t>(cfg.max_header_bytes));
    head.body_limit(boost::none);  // the route's limit is checked below, once the route is known
    beast::get_lowest_layer(stream).expires_after(header_timeout);
    auto [head_ec, head_n] = co_await http::async_read_header(stream, buffer, head, nothrow);
    if (head_ec == http::error::header_limit) {
      co_await send_and_close(stream,
                              problem(431, "header-too-large", "Request header fields too large",
                                      "The request head exceeds " + std::to_string(cfg.max_header_bytes) + " bytes."),
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
    unsigned version = head.get().version();
    auto request = to_request(head.get().base(), remote, is_tls(stream));
    if (request) request->peer_device = device;
    if (!request) {
      co_await send_and_close(stream, bad_request("The request target is not a valid URL path."), version,
                              request_timeout);
      co_return;
    }
    auto streamed_limit = st->dispatch.streamed_body_limit(request->method, request->path);
    const std::uint64_t body_limit = streamed_limit.value_or(cfg.max_body_bytes);
    auto too_large = [&] {
      return problem(413, "payload-too-large", "Payload too large",
                     "The body exceeds " + std::to_string(body_limit) + " bytes.");
    };
    // A declared body over the limit is refused before a byte of it is read.
    if (head.content_length() && *head.content_length() > body_limit) {
      co_await send_and_close(stream, too_large(), version, request_timeout);
      co_return;
    }
    beast::get_lowest_layer(stream).expires_after(request_timeout);
    const bool expects_continue = beast::iequals(head.get()[http::field::expect], "100-continue");
    // A streamed route's handler says when it wants the body (exchange_streamed); any other
    // body is read at once.
    if (expects_continue && !streamed_limit && !co_await send_continue(stream, version)) co_return;

    bool keep_alive = head.get().keep_alive();
    bool head_only = head.get().method() == http::verb::head;
    http_response response;
    st->in_flight.fetch_add(1);
    if (streamed_limit) {
      auto [answer, body_complete] =
          co_await exchange_streamed(stream, buffer, head, std::move(*request), body_limit, expects_continue, st);
      response = std::move(answer);
      keep_alive = keep_alive && body_complete;
    } else {
      http::request_parser<http::string_body> parser{std::move(head)};
      parser.body_limit(body_limit);
      if (!parser.is_done()) {
        auto [body_ec, body_n] = co_await http::async_read(stream, buffer, parser, nothrow);
        if (body_ec == http::error::body_limit) {
          st->in_flight.fetch_sub(1);
          co_await send_and_close(stream, too_large(), version, request_timeout);
          co_return;
        }
        if (body_ec) {
          st->in_flight.fetch_sub(1);
          co_return;
        }
      }
      request->body = std::move(parser.get().body());
      response = co_await st->dispatch.handle(std::move(*request));
    }
    st->in_flight.fetch_sub(1);
    keep_alive = keep_alive && !st->stopping.load();

    if (response.stream) {
      co_await stream_events(stream, std::move(response), version);
      co_return;
    }
    // Only a 200 or 206 carries the file; the head says its length.
    auto content = response.status < 300 ? response.content : nullptr;
    std::string bytes = serialize_response(std::move(response), version, keep_alive, head_only, is_tls(stream));
    beast::get_lowest_layer(stream).expires_after(request_timeout);
    auto [write_ec, written] = co_await asio::async_write(stream, asio::buffer(bytes), nothrow);
    if (write_ec) co_return;
    if (content && !head_only && !co_await send_content(stream, *content, request_timeout)) co_return;
    if (!keep_alive) {
      co_await finish(stream);
      co_await discard_input(stream);
      co_return;
    }
  }
}

}  // namespace

http_server::http_server(common::io_pool& io, const common::http_config& cfg, dispatcher& d)
    : io_(io), state_(std::make_shared<state>(cfg, d)) {
  // sendfile(2) has no MSG_NOSIGNAL: a client that resets its connection while a call is half
  // done makes the next call fail with EPIPE and raise SIGPIPE, whose default action ends the
  // whole process (wrk's closing of its connections at the end of a run did). Ignored, the
  // call just fails and the connection ends (send_file_slice).
  std::signal(SIGPIPE, SIG_IGN);
}

http_server::~http_server() = default;

tcp::endpoint http_server::listen(const std::string& host_port) {
  listener_ = std::make_unique<common::tcp_listener>(io_, [st = state_](tcp::socket socket) {
    auto executor = socket.get_executor();
    asio::co_spawn(executor, run_connection(plain_stream(std::move(socket)), st), asio::detached);
  });
  return listener_->listen(host_port);
}

tcp::endpoint http_server::listen_tls(const std::string& host_port, std::shared_ptr<asio::ssl::context> tls,
                                      peer_device_fn device_of) {
  state_->device_of = std::move(device_of);
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
