// The only translation unit with the MQTT connection coroutines (Asio templates compile slowly).
//
// Life of a connection: establish() runs the transport handshake, reads the CONNECT and
// attaches a session, all within the connect timeout. After that no coroutine waits on an
// idle connection: a reader runs while bytes arrive and, when the socket is drained, gives
// its buffer back and leaves a readiness wait behind (transports that support it: plain
// TCP); a writer runs while the session's outbox has bytes; the keep-alive watchdog is a
// timer callback. So ten thousand silent devices cost a socket, a session and a few hundred
// bytes each, not a stack of coroutine frames and buffers. finish() ends a connection once:
// it stops the reader and writer, then close_connection() flushes, says DISCONNECT (MQTT 5)
// and tells the broker and the event bus.
#include "mqtt/transport/mqtt_connection.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>

#include <atomic>
#include <span>
#include <stdexcept>
#include <variant>
#include <vector>

#include "mqtt/codec/decode.hpp"
#include "mqtt/codec/encode.hpp"
#include "mqtt/codec/frame.hpp"
#include "mqtt/transport/byte_stream.hpp"
#include "mqtt/transport/read_buffer.hpp"

namespace mothership::mqtt {

namespace asio = boost::asio;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

namespace {

steady_time now() {
  return std::chrono::steady_clock::now();
}

constexpr std::size_t read_chunk = 4096;
// The first read, for the CONNECT: most are far smaller, and while thousands of devices
// reconnect at once every connection in the handshake holds one (a larger CONNECT gets room
// for its whole length once its header is read).
constexpr std::size_t connect_read_chunk = 256;

struct connection;

// Typed on io_context's executor, not any_io_executor: 72 bytes instead of 120, on every
// connection. Connections therefore run on an io_context (io_executor_of checks).
using io_timer = asio::basic_waitable_timer<std::chrono::steady_clock, asio::wait_traits<std::chrono::steady_clock>,
                                            asio::io_context::executor_type>;

asio::io_context::executor_type io_executor_of(byte_stream& stream) {
  const auto executor = stream.get_executor();
  const auto* io = executor.target<asio::io_context::executor_type>();
  if (!io) throw std::invalid_argument("an MQTT connection's stream must run on an io_context");
  return *io;
}

// Everything below runs on the connection's executor (one thread), except the sink's entry
// points, which post to it. An idle connection is this object and little else, so its small
// members sit together at the end (no padding between them), and it holds nothing only a busy
// connection needs: the read buffer is released while idle, and the subscribers a PUBLISH
// found congested are the reader's own business (read_loop keeps them).
//
// It is its own session sink (the broker's handle on it: wake the writer, or close) and its
// own readiness waiter, rather than owning small objects for those: one allocation each less.
// The session holds it weakly, so sessions may still outlive the I/O contexts safely.
struct connection final : session_sink, readable_waiter, std::enable_shared_from_this<connection> {
  connection(std::unique_ptr<byte_stream> s, std::shared_ptr<connection_context> c)
      : stream(std::move(s)), ctx(std::move(c)), watchdog(io_executor_of(*stream)) {}

  void wake() override;
  void close(reason_code reason) override;
  // Any thread: writes the outbox to the socket now, or leaves word for whoever is writing.
  // False when the writer must be started to finish the job.
  bool send_now();
  // Word is left before trying, so that a holder letting go at that moment still sees it.
  bool claim_output() {
    output_wanted = true;
    if (output_claimed.exchange(true, std::memory_order_acquire)) return false;
    output_wanted = false;
    return true;
  }
  // True when someone found the output held meanwhile: their bytes wait in the outbox.
  bool release_output() {
    output_claimed.store(false, std::memory_order_release);
    return output_wanted.exchange(false);
  }
  void on_readable(boost::system::error_code ec) override;

  std::unique_ptr<byte_stream> stream;
  std::shared_ptr<connection_context> ctx;
  // Keep-alive; once the connection is ending, close_connection() waits on it for the reader
  // and writer to end (one timer less per connection).
  io_timer watchdog;
  std::shared_ptr<session> s;
  read_buffer in;  // empty while idle
  steady_time last_activity = now();
  std::optional<std::uint32_t> expiry_override;
  std::uint32_t client_max_packet = 0;  // MQTT 5 Maximum Packet Size the client accepts; 0 = any
  std::uint16_t keep_alive_s = 0;
  std::optional<reason_code> close_reason;  // why we end it (sent in DISCONNECT to MQTT 5 clients)
  protocol_version version = protocol_version::v311;
  std::atomic<bool> wake_pending{false};
  // Whoever writes to the stream holds this: the writer coroutine, a publisher's thread in
  // send_now(), and at the end close_connection() (which never gives it back). Output stays in
  // order. One that finds it held leaves word (output_wanted) instead of waiting, and the
  // holder, once it lets go, sends those bytes too or starts the writer for them.
  std::atomic<bool> output_claimed{false};
  std::atomic<bool> output_wanted{false};
  bool send_will = true;
  bool client_disconnected = false;  // it sent DISCONNECT

  bool reading = false;   // a reader coroutine exists
  bool writing = false;   // a writer coroutine exists
  bool ending = false;    // finish() was called
  bool detached = false;  // the broker knows the connection is gone

  void fail(reason_code r) {
    if (!close_reason) close_reason = r;
  }
  // The reader or writer ended; close_connection() may be waiting for both.
  void loop_ended() {
    if (ending && !reading && !writing) watchdog.cancel();
  }
};

void finish(const std::shared_ptr<connection>& c);
void start_reading(const std::shared_ptr<connection>& c);
void start_writing(const std::shared_ptr<connection>& c);

// Subscribers woken while a reader handled the packets of one read (see read_loop): once the
// last is handled, outside the broker's lock, the reader writes to them directly (send_now)
// rather than posting to their threads; the hand-over between the two I/O threads was most of
// a message's latency. Only a few per read: a fan-out to many is spread over their threads.
struct direct_sends {
  const connection* reader = nullptr;  // its own acknowledgements are batched by its writer
  std::vector<std::shared_ptr<connection>> woken;
  static constexpr std::size_t most = 4;
};
thread_local direct_sends* pending_direct_sends = nullptr;

// While it lives (a synchronous call, never across a co_await), wakes on this thread collect.
struct collecting_direct_sends {
  explicit collecting_direct_sends(direct_sends& d) { pending_direct_sends = &d; }
  ~collecting_direct_sends() { pending_direct_sends = nullptr; }
  collecting_direct_sends(const collecting_direct_sends&) = delete;
  collecting_direct_sends& operator=(const collecting_direct_sends&) = delete;
};

void post_start_writing(std::shared_ptr<connection> c) {
  auto executor = c->stream->get_executor();
  asio::post(executor, [c = std::move(c)] {
    if (!c->ending) start_writing(c);
  });
}

// The session found this connection alive (it holds it weakly), so shared_from_this() holds.
void connection::wake() {
  if (wake_pending.exchange(true)) return;
  if (auto* direct = pending_direct_sends; direct && direct->reader != this &&
                                           direct->woken.size() < direct_sends::most &&
                                           stream->can_write_from_any_thread()) {
    direct->woken.push_back(shared_from_this());
    return;
  }
  post_start_writing(shared_from_this());
}

bool connection::send_now() {
  if (!claim_output()) return true;  // its holder takes our bytes or starts the writer for them
  for (int round = 1;; ++round) {
    wake_pending = false;  // a wake from here on starts the writer, or comes back here
    std::string out = ctx->b.take_output(*s, this);
    auto [ec, n] = out.empty() ? std::pair{boost::system::error_code{}, std::size_t{0}}
                               : stream->try_write_some(asio::buffer(out));
    // A full socket, or a failed one: the rest goes back in front of the outbox (still ours, so
    // nothing newer can pass it) and the writer sends it (or meets the failure).
    const bool rest_for_writer = n < out.size();
    if (rest_for_writer) ctx->b.give_back_output(*s, this, out.substr(n));
    const bool wanted = release_output();
    if (rest_for_writer) return false;
    if (!wanted) return true;
    // Another thread's direct send (or the writer) found the output held and left word: its
    // bytes wait in the outbox. Sending them from here beats waking this connection's thread
    // (a few rounds at most: a busy subscriber must not keep this reader from its own client).
    if (round == 3) return false;
    if (!claim_output()) return true;  // taken meanwhile: the new holder sends them
  }
}

// Sends to the subscribers collected while the reader handled the packets of one read.
void send_direct(direct_sends& direct) {
  for (auto& c : direct.woken)
    if (!c->send_now()) post_start_writing(std::move(c));
  direct.woken.clear();
}

void connection::close(reason_code reason) {
  asio::post(stream->get_executor(), [c = shared_from_this(), reason] {
    c->fail(reason);
    finish(c);  // also ends a write stuck on a client that does not read
  });
}

// The socket of a parked connection has bytes (or failed, or the wait was cancelled).
void connection::on_readable(boost::system::error_code ec) {
  if (ending) return;
  if (ec && ec != asio::error::operation_aborted) {
    finish(shared_from_this());
    return;
  }
  start_reading(shared_from_this());
}

// Reads until a whole packet is buffered. Returns the frame, or nullopt when the connection
// ended or sent something unframeable (then close_reason says why).
asio::awaitable<std::optional<frame>> read_frame(std::shared_ptr<connection> c, std::size_t chunk = read_chunk) {
  const std::size_t max_packet = c->ctx->b.limits().max_packet_size;
  for (;;) {
    auto framed = parse_frame(c->in.unread(), max_packet);
    if (auto* f = std::get_if<frame>(&framed)) co_return *f;
    if (auto* e = std::get_if<decode_error>(&framed)) {
      c->fail(e->reason);
      co_return std::nullopt;
    }
    c->in.make_room(std::get<need_more>(framed).bytes, chunk);
    auto room = c->in.free_space();
    auto [ec, n] = co_await c->stream->read_some(asio::buffer(room.data(), room.size()));
    if (ec) co_return std::nullopt;
    c->in.filled(n);
    c->last_activity = now();
  }
}

// True when the input already holds the next whole packet (or a malformed header, which
// the next read_frame reports without reading).
bool holds_frame(const std::shared_ptr<connection>& c) {
  return !std::holds_alternative<need_more>(parse_frame(c->in.unread(), c->ctx->b.limits().max_packet_size));
}

// False when the connection must end.
// `congested` collects the subscribers a PUBLISH found with full queues.
// `tap_full` is set when a PUBLISH went to an in-server consumer that is over its bound.
bool handle(connection& c, packet&& p, std::vector<std::weak_ptr<session>>& congested, bool& tap_full) {
  broker& b = c.ctx->b;
  session& s = *c.s;
  switch (type_of(p)) {
    case packet_type::publish: {
      auto& pub = std::get<publish>(p);
      if (!pub.properties.subscription_identifiers.empty()) {  // only the server sends these [MQTT-3.3.4-6]
        c.fail(reason_code::protocol_error);
        return false;
      }
      reason_code r = b.publish(s, std::move(pub), now(), &congested, &c, &tap_full);
      if (is_fatal(r)) c.fail(r);
      return !is_fatal(r);
    }
    case packet_type::puback:
    case packet_type::pubrec:
    case packet_type::pubcomp:
      b.acknowledged(s, p, now(), &c);
      return true;
    case packet_type::pubrel:
      b.pubrel(s, std::get<pubrel>(p), &c);
      return true;
    case packet_type::subscribe:
      b.subscribe(s, std::get<subscribe>(p), now(), &c);
      return true;
    case packet_type::unsubscribe:
      b.unsubscribe(s, std::get<unsubscribe>(p), &c);
      return true;
    case packet_type::pingreq:
      b.send(s, pingresp{}, &c);
      return true;
    case packet_type::disconnect: {
      auto& d = std::get<disconnect>(p);
      c.send_will = d.reason == reason_code::disconnect_with_will_message;
      c.client_disconnected = true;
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
    default:                                // a second CONNECT, or packets only a server sends, or AUTH (not supported)
      c.fail(reason_code::protocol_error);  // AUTH included: no enhanced authentication was agreed
      return false;
  }
}

// Backpressure: while a subscriber of what this client publishes has a full queue, stop
// reading from this client (TCP then slows it down), instead of dropping acknowledged
// messages. A subscriber that does not drain in time is disconnected, so one stuck client
// holds the others only briefly.
asio::awaitable<void> wait_while_congested(std::shared_ptr<connection> c,
                                           std::vector<std::weak_ptr<session>> congested) {
  const auto deadline = now() + std::chrono::seconds(c->ctx->limits.slow_subscriber_timeout_s);
  io_timer pause(c->watchdog.get_executor());
  while (!c->ending && c->ctx->b.still_congested(congested)) {
    if (now() >= deadline) {
      c->ctx->b.disconnect_slow(congested);
      break;
    }
    c->last_activity = now();  // the silence is ours, not the client's
    pause.expires_after(std::chrono::milliseconds(1));
    auto [ec] = co_await pause.async_wait(nothrow);
    if (ec) break;
  }
}

// Backpressure from inside the server: while the consumer this client publishes to (telemetry
// ingest) is over its bound, read nothing more from it. Its QoS 1 messages wait for their
// PUBACK meanwhile, so the client's own flow control (Receive Maximum) holds it too. No
// deadline: the consumer drains at the rate it can make data durable.
asio::awaitable<void> wait_while_tap_full(std::shared_ptr<connection> c) {
  io_timer pause(c->watchdog.get_executor());
  while (!c->ending && c->ctx->b.tap_full()) {
    c->last_activity = now();  // the silence is ours, not the client's
    pause.expires_after(std::chrono::milliseconds(2));
    auto [ec] = co_await pause.async_wait(nothrow);
    if (ec) break;
  }
}

// True when the socket had nothing more to read and a readiness wait now stands in for this
// reader (which may then end). Only for transports that can wait without a read in flight.
bool park_if_idle(const std::shared_ptr<connection>& c) {
  if (!c->in.empty() || !c->stream->can_wait_readable()) return false;
  c->in.make_room(read_chunk, read_chunk);
  auto room = c->in.free_space();
  auto [ec, n] = c->stream->try_read_some(asio::buffer(room.data(), room.size()));
  if (!ec) {
    c->in.filled(n);
    c->last_activity = now();
    return false;
  }
  if (ec != asio::error::would_block) return false;  // the next read reports it
  c->in.release();
  c->stream->async_wait_readable(c);
  return true;
}

asio::awaitable<void> read_loop(std::shared_ptr<connection> c) {
  std::vector<std::weak_ptr<session>> congested;  // subscribers our last PUBLISH found full
  bool tap_full = false;                          // the in-server consumer it went to, likewise
  direct_sends direct{c.get(), {}};
  while (!c->ending) {
    if (park_if_idle(c)) co_return;
    auto f = co_await read_frame(c);
    if (!f || c->ending) break;
    auto decoded = decode_packet(f->first_byte, f->body(c->in.unread()), c->version);
    c->in.consume(f->total_length);
    if (!decoded) {
      c->fail(decoded.error().reason);
      break;
    }
    bool go_on;
    {
      collecting_direct_sends collecting(direct);
      go_on = handle(*c, std::move(*decoded), congested, tap_full);
    }
    // Under load one read brings several packets: what they woke goes out in one write per
    // subscriber once the last of them is handled, before this reader can wait for input.
    if (!go_on || !congested.empty() || tap_full || !holds_frame(c)) send_direct(direct);
    if (!go_on) break;
    if (!congested.empty()) {
      co_await wait_while_congested(c, std::move(congested));
      congested.clear();
    }
    if (tap_full) {
      co_await wait_while_tap_full(c);
      tap_full = false;
    }
  }
  send_direct(direct);  // a malformed packet may end a batch that woke someone
  finish(c);
}

// Writes with a deadline: a client that stops reading cannot hold a connection (and its
// will) forever. False when the write failed or timed out.
asio::awaitable<bool> write_all(std::shared_ptr<connection> c, std::string bytes, std::chrono::seconds timeout) {
  io_timer deadline(c->watchdog.get_executor(), timeout);
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

// Runs while the outbox has bytes.
asio::awaitable<void> write_loop(std::shared_ptr<connection> c) {
  while (!c->ending) {
    if (!c->claim_output()) co_return;  // a direct send holds it, and restarts us when done
    c->wake_pending = false;
    std::string out = c->ctx->b.take_output(*c->s, c.get());
    if (out.empty()) {
      // Woken, or wanted by a direct send, while it held the output: look again.
      if (c->release_output() || c->wake_pending) continue;
      co_return;
    }
    bool written = false;
    try {
      written = co_await write_all(c, std::move(out), std::chrono::seconds(c->ctx->limits.write_timeout_s));
    } catch (...) {
      c->release_output();  // close_connection() waits for it
      throw;
    }
    c->release_output();  // the loop looks again anyway
    if (!written) {
      finish(c);
      co_return;
    }
  }
}

// Runs a loop and clears its `running` flag the moment it ends, in the same step: a wake()
// handler queued meanwhile then finds the flag clear and starts a new writer, instead of
// seeing a finished one as running (which would leave the outbox unsent).
asio::awaitable<void> run_loop(std::shared_ptr<connection> c, bool connection::*running,
                               asio::awaitable<void> (*loop)(std::shared_ptr<connection>)) {
  try {
    co_await loop(c);
  } catch (const std::exception& e) {
    spdlog::warn("mqtt connection failed: {}", e.what());
    finish(c);
  }
  (*c).*running = false;
  c->loop_ended();
}

// Spawns `loop` on the connection's executor; `running` is true while it exists.
void spawn_loop(const std::shared_ptr<connection>& c, bool connection::*running,
                asio::awaitable<void> (*loop)(std::shared_ptr<connection>)) {
  (*c).*running = true;
  asio::co_spawn(c->stream->get_executor(), run_loop(c, running, loop), asio::detached);
}

void start_reading(const std::shared_ptr<connection>& c) {
  if (!c->reading && !c->ending) spawn_loop(c, &connection::reading, read_loop);
}

void start_writing(const std::shared_ptr<connection>& c) {
  if (!c->writing && !c->ending) spawn_loop(c, &connection::writing, write_loop);
}

// Closes a connection that has been silent for 1.5 times its keep-alive [MQTT-3.1.2-22].
void arm_keep_alive(const std::shared_ptr<connection>& c) {
  if (c->keep_alive_s == 0 || c->ending) return;
  const auto limit = std::chrono::milliseconds(c->keep_alive_s * 1500);
  c->watchdog.expires_at(c->last_activity + limit);
  c->watchdog.async_wait([c, limit](const boost::system::error_code& ec) {
    if (ec || c->ending) return;
    if (now() - c->last_activity >= limit) {
      c->fail(reason_code::keep_alive_timeout);
      finish(c);
      return;
    }
    arm_keep_alive(c);
  });
}

// Last words on a connection that is ending (CONNACK refusals, final acks, DISCONNECT): a
// short deadline, so a client that does not read delays its will by seconds at most.
asio::awaitable<void> send_bytes(std::shared_ptr<connection> c, std::string bytes) {
  co_await write_all(c, std::move(bytes), std::chrono::seconds(2));
}

void tell(connection_context& ctx, const char* type, const connection& c, std::string_view reason = {}) {
  if (!ctx.events) return;
  const identity& who = c.s->who;  // fixed for the session's life: no lock needed
  boost::json::object data{{"client_id", c.s->client_id()},
                           {"identity_kind", to_string(who.what)},
                           {"identity", who.name},
                           {"address", c.stream->peer().address},
                           {"transport", c.stream->peer().transport}};
  if (!reason.empty()) data["reason"] = reason;
  ctx.events->publish({type, who.what == identity::kind::device ? who.name : c.s->client_id(), std::move(data), 0});
}

void detach(const std::shared_ptr<connection>& c) {
  if (c->detached) return;
  c->detached = true;
  c->ctx->b.connection_closed(*c->s, c.get(), c->send_will, c->expiry_override, now());
}

asio::awaitable<void> close_connection(std::shared_ptr<connection> c) {
  auto& ctx = *c->ctx;
  if (c->reading || c->writing) {
    c->watchdog.expires_at(steady_time::max());
    co_await c->watchdog.async_wait(nothrow);
  }
  // Whatever is still in the outbox (e.g. the last PUBACKs), then DISCONNECT for MQTT 5.
  // A client that went silent is presumed gone: its queued bytes are not worth the wait, and
  // its DISCONNECT gets a moment only.
  const bool silent = c->close_reason == reason_code::keep_alive_timeout;
  // A publisher's thread may be in send_now() for a moment; from here on only we write.
  while (!c->claim_output()) co_await asio::post(c->stream->get_executor(), asio::use_awaitable);
  std::string last;
  if (!silent) last = ctx.b.take_output(*c->s, c.get());
  if (c->version == protocol_version::v5 && c->close_reason) {
    // Some reasons exist only for CONNACK (e.g. 0x84 from a second CONNECT's decoding).
    reason_code why =
        reason_allowed(packet_type::disconnect, *c->close_reason) ? *c->close_reason : reason_code::protocol_error;
    disconnect bye{why, {}};
    bye.properties.reason_string = std::string(to_string(why));
    // The reason string is optional: left out where it would break the client's maximum
    // packet size [MQTT-3.14.2-3].
    if (c->client_max_packet != 0 && encoded_size(bye, c->version) > c->client_max_packet)
      bye.properties.reason_string.reset();
    encode(bye, c->version, last);
  }
  // The session goes offline before the client can see the connection end: a message
  // published after that point is queued for its return, not sent down a closing socket.
  detach(c);
  if (!last.empty()) co_await write_all(c, std::move(last), silent ? std::chrono::seconds(0) : std::chrono::seconds(2));
  co_await c->stream->close();
  if (c->close_reason && *c->close_reason != reason_code::session_taken_over)
    spdlog::debug("mqtt client {} closed: {}", c->s->client_id(), to_string(*c->close_reason));
  std::string_view why = c->close_reason          ? to_string(*c->close_reason)
                         : c->client_disconnected ? std::string_view("client disconnected")
                                                  : std::string_view("connection lost");
  tell(ctx, "mqtt.disconnected", *c, why);
}

// Ends the connection, once, whoever notices first (reader, writer, watchdog, broker).
void finish(const std::shared_ptr<connection>& c) {
  if (c->ending) return;
  c->ending = true;
  c->watchdog.cancel();
  c->stream->cancel();  // pending reads, writes and readiness waits end now
  asio::co_spawn(c->stream->get_executor(), close_connection(c), [c](std::exception_ptr e) {
    if (e) spdlog::warn("mqtt connection did not close cleanly");
    detach(c);
    c->ctx->open--;
  });
}

// A decoded CONNECT, or the CONNACK that refuses it (empty when none is due). The CONNECT is
// boxed: it is ~1.2 KB, and held by value it would sit in each coroutine frame it passes
// through, for every connection in its handshake.
using hello_or_refusal = std::variant<std::unique_ptr<connect>, std::string>;

hello_or_refusal decode_hello(std::span<const std::uint8_t> body) {
  auto decoded = decode_connect(body);
  if (decoded) return std::make_unique<connect>(std::move(*decoded));
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
  return bytes;
}

// The CONNECT, or null (with the refusal already sent when one is due).
asio::awaitable<std::unique_ptr<connect>> read_connect(std::shared_ptr<connection> c) {
  auto f = co_await read_frame(c, connect_read_chunk);
  if (!f) co_return nullptr;
  if (f->first_byte != 0x10) co_return nullptr;  // the first packet must be CONNECT [MQTT-3.1.0-1]
  auto hello = decode_hello(f->body(c->in.unread()));
  if (auto* refusal = std::get_if<std::string>(&hello)) {
    if (!refusal->empty()) co_await send_bytes(c, std::move(*refusal));
    co_return nullptr;
  }
  c->in.consume(f->total_length);
  co_return std::move(std::get<std::unique_ptr<connect>>(hello));
}

// The transport handshake and the CONNECT, both within the connect timeout: sockets that
// never complete either do not hold the server.
asio::awaitable<std::unique_ptr<connect>> open(std::shared_ptr<connection> c) {
  io_timer deadline(c->watchdog.get_executor(), std::chrono::seconds(c->ctx->limits.connect_timeout_s));
  auto done = std::make_shared<bool>(false);  // the timer's handler may run after we return
  deadline.async_wait([c, done](const boost::system::error_code& ec) {
    if (!ec && !*done) c->stream->cancel();
  });
  std::unique_ptr<connect> hello;
  if (!co_await c->stream->handshake())
    hello = co_await read_connect(c);
  else
    ++c->ctx->handshake_failures;
  *done = true;
  deadline.cancel();
  co_return hello;
}

// On the worker pool when the authenticator would block for these credentials; a full pool
// answers "server busy" rather than queueing CONNECTs without end.
// Built outside the coroutine: g++ 12 miscompiles an init-capture of a coroutine's parameter
// (the string members were freed twice under ASan).
std::function<authentication()> authentication_job(const authenticator& authn, credentials presented) {
  return [&authn, presented = std::move(presented)] { return authn.authenticate(presented); };
}

asio::awaitable<authentication> authenticate(connection_context& ctx, credentials presented) {
  if (!ctx.workers || !ctx.authn.blocks(presented)) co_return ctx.authn.authenticate(presented);
  try {
    co_return co_await ctx.workers->run<authentication>(authentication_job(ctx.authn, std::move(presented)));
  } catch (const common::overloaded_error&) {
    co_return authentication{std::nullopt, reason_code::server_busy};
  }
}

// Handshake, CONNECT, authentication and session. True when the connection is established
// (its CONNACK waits in the session's outbox).
asio::awaitable<bool> establish(std::shared_ptr<connection> c) {
  auto& ctx = *c->ctx;
  auto hello = co_await open(c);
  if (!hello) co_return false;
  c->version = hello->version;
  c->keep_alive_s = hello->keep_alive;
  c->client_max_packet = hello->properties.maximum_packet_size.value_or(0);

  const auto& peer = c->stream->peer();
  const client_certificate none;
  const client_certificate& cert = peer.certificate ? *peer.certificate : none;
  credentials presented{hello->client_id, hello->username, hello->password, peer.certificate != nullptr,
                        cert.identity,    cert.serial,     cert.sha256,     peer.address};
  auto verdict = co_await authenticate(ctx, std::move(presented));
  if (!verdict.who) {
    ++ctx.auth_failures;
    spdlog::info("mqtt connection from {} ({}) refused: {}", peer.address, peer.transport, to_string(verdict.refusal));
    std::string bytes;
    encode(connack{false, verdict.refusal, {}}, c->version, bytes);
    co_await send_bytes(c, std::move(bytes));
    co_await c->stream->close();
    co_return false;
  }
  auto outcome = ctx.b.connect(*hello, std::move(*verdict.who), c, now());
  if (!outcome.attached) {
    co_await send_bytes(c, std::move(outcome.connack_bytes));
    co_await c->stream->close();
    co_return false;
  }
  c->s = outcome.attached;
  c->keep_alive_s = outcome.keep_alive_s;
  c->in.release();
  co_return true;
}

}  // namespace

asio::awaitable<void> serve_mqtt_connection(std::unique_ptr<byte_stream> stream,
                                            std::shared_ptr<connection_context> ctx) {
  ctx->open++;
  auto c = std::make_shared<connection>(std::move(stream), ctx);
  bool established = false;
  try {
    established = co_await establish(c);
  } catch (const std::exception& e) {
    spdlog::warn("mqtt connection failed: {}", e.what());
  }
  if (!established) {
    ctx->open--;
    co_return;
  }
  // From here on the connection lives in callbacks and short-lived coroutines (see the top).
  tell(*ctx, "mqtt.connected", *c);
  start_writing(c);  // the CONNACK
  start_reading(c);
  arm_keep_alive(c);
}

}  // namespace mothership::mqtt
