// The only translation unit with the MQTT connection coroutines (Asio templates compile slowly).
#include "mqtt/transport/mqtt_connection.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>

#include <atomic>
#include <cstring>
#include <vector>

#include "mqtt/codec/decode.hpp"
#include "mqtt/codec/encode.hpp"
#include "mqtt/codec/frame.hpp"
#include "mqtt/transport/byte_stream.hpp"

namespace mothership::mqtt {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

namespace {

steady_time now() {
  return std::chrono::steady_clock::now();
}

struct connection;

// The broker's handle on this connection: wakes the writer, or asks it to close. Holds no Asio
// object, so sessions may outlive the I/O contexts safely.
class connection_sink final : public session_sink {
 public:
  explicit connection_sink(std::weak_ptr<connection> c) : conn_(std::move(c)) {}
  void wake() override;
  void close(reason_code reason) override;

 private:
  std::weak_ptr<connection> conn_;
};

struct connection : std::enable_shared_from_this<connection> {
  connection(std::unique_ptr<byte_stream> s, std::shared_ptr<connection_context> c)
      : stream(std::move(s)), ctx(std::move(c)), signal(stream->get_executor()), watchdog(stream->get_executor()) {}

  std::unique_ptr<byte_stream> stream;
  std::shared_ptr<connection_context> ctx;
  asio::steady_timer signal;    // the writer sleeps on it; wake() cancels it
  asio::steady_timer watchdog;  // keep-alive
  std::atomic<bool> wake_pending{false};
  std::atomic<bool> close_requested{false};
  std::atomic<std::uint8_t> broker_reason{0};

  std::vector<std::uint8_t> in = std::vector<std::uint8_t>(4096);
  std::size_t begin = 0, end = 0;  // unread bytes are in[begin, end)

  protocol_version version = protocol_version::v311;
  std::shared_ptr<session> s;
  std::shared_ptr<connection_sink> sink;
  std::uint16_t keep_alive_s = 0;
  steady_time last_activity = now();
  std::optional<reason_code> close_reason;  // why we end it (sent in DISCONNECT to MQTT 5 clients)
  bool send_will = true;
  std::optional<std::uint32_t> expiry_override;
  std::vector<std::weak_ptr<session>> congested;  // subscribers our last PUBLISH found full

  std::span<const std::uint8_t> unread() const { return {in.data() + begin, end - begin}; }
  void consume(std::size_t n) {
    begin += n;
    if (begin == end) begin = end = 0;
  }
  // Room for at least `want` more bytes, keeping what is unread.
  void make_room(std::size_t want) {
    if (begin > 0) {
      std::memmove(in.data(), in.data() + begin, end - begin);
      end -= begin;
      begin = 0;
    }
    if (in.size() - end < want) in.resize(end + std::max<std::size_t>(want, 4096));
  }
  void fail(reason_code r) {
    if (!close_reason) close_reason = r;
  }
  // Wakes every loop of this connection so that all of them end: cancellation through `||`
  // alone is not enough, since not every transport supports per-operation cancellation.
  void stop_all() {
    signal.cancel();
    watchdog.cancel();
    stream->cancel();
  }
};

void connection_sink::wake() {
  auto c = conn_.lock();
  if (!c || c->wake_pending.exchange(true)) return;
  asio::post(c->stream->get_executor(), [c] { c->signal.cancel(); });
}

void connection_sink::close(reason_code reason) {
  auto c = conn_.lock();
  if (!c) return;
  c->broker_reason = static_cast<std::uint8_t>(reason);
  c->close_requested = true;
  asio::post(c->stream->get_executor(), [c] {
    c->signal.cancel();
    c->stream->cancel();  // a write stuck on a client that does not read ends now
  });
}

// Reads until a whole packet is buffered. Returns the frame, or nullopt when the connection
// ended or sent something unframeable (then close_reason says why).
asio::awaitable<std::optional<frame>> read_frame(std::shared_ptr<connection> c) {
  const std::size_t max_packet = c->ctx->b.limits().max_packet_size;
  for (;;) {
    auto framed = parse_frame(c->unread(), max_packet);
    if (auto* f = std::get_if<frame>(&framed)) co_return *f;
    if (auto* e = std::get_if<decode_error>(&framed)) {
      c->fail(e->reason);
      co_return std::nullopt;
    }
    c->make_room(std::get<need_more>(framed).bytes);
    auto [ec, n] = co_await c->stream->read_some(asio::buffer(c->in.data() + c->end, c->in.size() - c->end));
    if (ec) co_return std::nullopt;
    c->end += n;
    c->last_activity = now();
  }
}

// False when the connection must end.
bool handle(connection& c, packet&& p) {
  broker& b = c.ctx->b;
  session& s = *c.s;
  switch (type_of(p)) {
    case packet_type::publish: {
      auto& pub = std::get<publish>(p);
      if (!pub.properties.subscription_identifiers.empty()) {  // only the server sends these [MQTT-3.3.4-6]
        c.fail(reason_code::protocol_error);
        return false;
      }
      reason_code r = b.publish(s, std::move(pub), now(), &c.congested);
      if (is_fatal(r)) c.fail(r);
      return !is_fatal(r);
    }
    case packet_type::puback:
    case packet_type::pubrec:
    case packet_type::pubcomp:
      b.acknowledged(s, p, now());
      return true;
    case packet_type::pubrel:
      b.pubrel(s, std::get<pubrel>(p));
      return true;
    case packet_type::subscribe:
      b.subscribe(s, std::get<subscribe>(p), now());
      return true;
    case packet_type::unsubscribe:
      b.unsubscribe(s, std::get<unsubscribe>(p));
      return true;
    case packet_type::pingreq:
      b.send(s, pingresp{});
      return true;
    case packet_type::disconnect: {
      auto& d = std::get<disconnect>(p);
      c.send_will = d.reason == reason_code::disconnect_with_will_message;
      if (auto expiry = d.properties.session_expiry_interval) {
        if (s.expiry_interval_s == 0 && *expiry != 0) {  // may not be raised from zero [MQTT-3.14.2-2]
          c.fail(reason_code::protocol_error);
          c.send_will = true;
          return false;
        }
        c.expiry_override = *expiry;
      }
      return false;
    }
    default:  // a second CONNECT, or packets only a server sends, or AUTH (not supported)
      c.fail(p.index() == 14 ? reason_code::bad_authentication_method : reason_code::protocol_error);
      return false;
  }
}

// Backpressure: while a subscriber of what this client publishes has a full queue, stop
// reading from this client (TCP then slows it down), instead of dropping acknowledged
// messages. A subscriber that does not drain in time is disconnected, so one stuck client
// holds the others only briefly.
asio::awaitable<void> wait_while_congested(std::shared_ptr<connection> c) {
  const auto deadline = now() + std::chrono::seconds(c->ctx->limits.slow_subscriber_timeout_s);
  asio::steady_timer pause(c->stream->get_executor());
  while (c->ctx->b.still_congested(c->congested)) {
    if (now() >= deadline) {
      c->ctx->b.disconnect_slow(c->congested);
      break;
    }
    c->last_activity = now();  // the silence is ours, not the client's
    pause.expires_after(std::chrono::milliseconds(1));
    auto [ec] = co_await pause.async_wait(nothrow);
    if (ec) break;
  }
  c->congested.clear();
}

asio::awaitable<void> read_loop(std::shared_ptr<connection> c) {
  for (;;) {
    auto f = co_await read_frame(c);
    if (!f) co_return;
    auto decoded = decode_packet(f->first_byte, f->body(c->unread()), c->version);
    c->consume(f->total_length);
    if (!decoded) {
      c->fail(decoded.error().reason);
      co_return;
    }
    if (!handle(*c, std::move(*decoded))) co_return;
    if (!c->congested.empty()) co_await wait_while_congested(c);
  }
}

// Writes with a deadline: a client that stops reading cannot hold a connection (and its
// will) forever. False when the write failed or timed out.
asio::awaitable<bool> write_all(std::shared_ptr<connection> c, std::string bytes, std::chrono::seconds timeout) {
  asio::steady_timer deadline(c->stream->get_executor(), timeout);
  auto done = std::make_shared<bool>(false);  // the timer's handler may run after we return
  auto expired = std::make_shared<bool>(false);
  deadline.async_wait([c, done, expired](const boost::system::error_code& ec) {
    if (ec || *done) return;
    *expired = true;
    c->stream->cancel();
  });
  auto ec = co_await c->stream->write(asio::buffer(bytes));
  *done = true;
  deadline.cancel();
  co_return !ec && !*expired;
}

asio::awaitable<void> write_loop(std::shared_ptr<connection> c) {
  for (;;) {
    // Cancelled by the `||` in run(): leave the outbox for run()'s final flush.
    if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) co_return;
    if (c->close_requested) {
      c->fail(static_cast<reason_code>(c->broker_reason.load()));
      co_return;
    }
    c->wake_pending = false;
    std::string out = c->ctx->b.take_output(*c->s, c->sink.get());
    if (!out.empty()) {
      bool written = co_await write_all(c, std::move(out), std::chrono::seconds(c->ctx->limits.write_timeout_s));
      if (!written) co_return;
      continue;
    }
    c->signal.expires_at(steady_time::max());
    co_await c->signal.async_wait(nothrow);
  }
}

// Closes a connection that has been silent for 1.5 times its keep-alive [MQTT-3.1.2-22].
asio::awaitable<void> keep_alive_loop(std::shared_ptr<connection> c) {
  if (c->keep_alive_s == 0) {
    c->watchdog.expires_at(steady_time::max());
    co_await c->watchdog.async_wait(nothrow);
    co_return;
  }
  const auto limit = std::chrono::milliseconds(c->keep_alive_s * 1500);
  for (;;) {
    c->watchdog.expires_at(c->last_activity + limit);
    auto [ec] = co_await c->watchdog.async_wait(nothrow);
    if (ec) co_return;  // cancelled: the connection is ending anyway
    if (now() - c->last_activity >= limit) {
      c->fail(reason_code::keep_alive_timeout);
      co_return;
    }
  }
}

// Last words on a connection that is ending (CONNACK refusals, final acks, DISCONNECT): a
// short deadline, so a client that does not read delays its will by seconds at most.
asio::awaitable<void> send_bytes(std::shared_ptr<connection> c, std::string bytes) {
  co_await write_all(c, std::move(bytes), std::chrono::seconds(2));
}

// The CONNECT, or nullopt (with the refusal already sent when one is due).
asio::awaitable<std::optional<connect>> read_connect(std::shared_ptr<connection> c) {
  auto f = co_await read_frame(c);
  if (!f) co_return std::nullopt;
  if (f->first_byte != 0x10) co_return std::nullopt;  // the first packet must be CONNECT [MQTT-3.1.0-1]
  auto body = f->body(c->unread());
  auto decoded = decode_connect(body);
  if (!decoded) {
    // Answer in the version the client asked for, when it said one we speak [MQTT-3.1.4-?].
    auto version = connect_protocol_version(body);
    std::string bytes;
    if (decoded.error().reason == reason_code::unsupported_protocol_version)
      encode(connack{false, reason_code::unsupported_protocol_version, {}}, protocol_version::v311, bytes);
    else if (version == protocol_version::v311 && decoded.error().reason == reason_code::client_identifier_not_valid)
      encode(connack{false, reason_code::client_identifier_not_valid, {}}, protocol_version::v311,
             bytes);  // rc 2 [MQTT-3.1.3-8]
    else if (version == protocol_version::v5)
      encode(connack{false, decoded.error().reason, {}}, protocol_version::v5, bytes);
    if (!bytes.empty()) co_await send_bytes(c, std::move(bytes));
    co_return std::nullopt;
  }
  c->consume(f->total_length);
  co_return std::move(*decoded);
}

// Runs one of the connection's loops; when it ends, so do the others.
asio::awaitable<void> until_stopped(std::shared_ptr<connection> c, asio::awaitable<void> loop) {
  co_await std::move(loop);
  c->stop_all();
}

void tell(connection_context& ctx, const char* type, const connection& c, const identity& who,
          std::optional<reason_code> reason = std::nullopt) {
  if (!ctx.events) return;
  boost::json::object data{{"client_id", c.s->client_id()},
                           {"identity_kind", to_string(who.what)},
                           {"identity", who.name},
                           {"address", c.stream->peer().address},
                           {"transport", c.stream->peer().transport}};
  if (reason) data["reason"] = std::string(to_string(*reason));
  ctx.events->publish({type, who.what == identity::kind::device ? who.name : c.s->client_id(), std::move(data), 0});
}

// The transport handshake and the CONNECT, both within the connect timeout: sockets that
// never complete either do not hold the server.
asio::awaitable<std::optional<connect>> open(std::shared_ptr<connection> c) {
  asio::steady_timer deadline(c->stream->get_executor(), std::chrono::seconds(c->ctx->limits.connect_timeout_s));
  auto done = std::make_shared<bool>(false);  // the timer's handler may run after we return
  deadline.async_wait([c, done](const boost::system::error_code& ec) {
    if (!ec && !*done) c->stream->cancel();
  });
  std::optional<connect> hello;
  if (!co_await c->stream->handshake())
    hello = co_await read_connect(c);
  else
    ++c->ctx->handshake_failures;
  *done = true;
  deadline.cancel();
  co_return hello;
}

asio::awaitable<void> run(std::shared_ptr<connection> c) {
  auto& ctx = *c->ctx;
  auto first = co_await open(c);
  if (!first) co_return;
  connect hello = std::move(*first);
  c->version = hello.version;
  c->keep_alive_s = hello.keep_alive;

  const auto& peer = c->stream->peer();
  credentials presented{hello.client_id, hello.username, hello.password, peer.certificate_presented,
                        peer.certificate_identity};
  auto verdict = ctx.authn.authenticate(presented);
  if (!verdict.who) {
    ++ctx.auth_failures;
    spdlog::info("mqtt connection from {} ({}) refused: {}", peer.address, peer.transport, to_string(verdict.refusal));
    std::string bytes;
    encode(connack{false, verdict.refusal, {}}, c->version, bytes);
    co_await send_bytes(c, std::move(bytes));
    co_await c->stream->close();
    co_return;
  }
  identity who = *verdict.who;
  c->sink = std::make_shared<connection_sink>(c);
  auto outcome = ctx.b.connect(hello, std::move(*verdict.who), c->sink, now());
  if (!outcome.attached) {
    co_await send_bytes(c, std::move(outcome.connack_bytes));
    co_await c->stream->close();
    co_return;
  }
  c->s = outcome.attached;
  tell(ctx, "mqtt.connected", *c, who);

  co_await (until_stopped(c, read_loop(c)) || until_stopped(c, write_loop(c)) || until_stopped(c, keep_alive_loop(c)));

  // Whatever is still in the outbox (e.g. the last PUBACKs), then DISCONNECT for MQTT 5.
  // A client that went silent is presumed gone: its queued bytes are not worth the wait, and
  // its DISCONNECT gets a moment only.
  const bool silent = c->close_reason == reason_code::keep_alive_timeout;
  std::string last;
  if (!silent) last = ctx.b.take_output(*c->s, c->sink.get());
  if (c->version == protocol_version::v5 && c->close_reason) {
    disconnect bye{*c->close_reason, {}};
    bye.properties.reason_string = std::string(to_string(*c->close_reason));
    encode(bye, c->version, last);
  }
  if (!last.empty()) co_await write_all(c, std::move(last), silent ? std::chrono::seconds(0) : std::chrono::seconds(2));
  co_await c->stream->close();
  if (c->close_reason && *c->close_reason != reason_code::session_taken_over)
    spdlog::debug("mqtt client {} closed: {}", c->s->client_id(), to_string(*c->close_reason));
  tell(ctx, "mqtt.disconnected", *c, who, c->close_reason.value_or(reason_code::normal_disconnection));
  ctx.b.connection_closed(*c->s, c->sink.get(), c->send_will, c->expiry_override, now());
}

}  // namespace

asio::awaitable<void> serve_mqtt_connection(std::unique_ptr<byte_stream> stream,
                                            std::shared_ptr<connection_context> ctx) {
  ctx->open++;
  auto c = std::make_shared<connection>(std::move(stream), ctx);
  try {
    co_await run(c);
  } catch (const std::exception& e) {
    spdlog::warn("mqtt connection failed: {}", e.what());
    if (c->s) ctx->b.connection_closed(*c->s, c->sink.get(), true, std::nullopt, now());
  }
  ctx->open--;
}

}  // namespace mothership::mqtt
