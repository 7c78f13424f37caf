#include "mqtt/client/mqtt_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <map>
#include <set>

#include "mqtt/client/tls_contexts.hpp"
#include "mqtt/codec/decode.hpp"
#include "mqtt/codec/encode.hpp"
#include "mqtt/codec/frame.hpp"

namespace mothership::mqtt {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
namespace ssl = asio::ssl;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

// The read buffer starts small (an idle connection holds little) and doubles up to this size
// while reads fill it (a subscriber under load then takes many packets per read).
constexpr std::size_t initial_read_buffer = 4 * 1024;
constexpr std::size_t large_read_buffer = 64 * 1024;

struct client::state {
  explicit state(asio::any_io_executor ex) : socket(ex), write_signal(ex), progress(ex), pinger(ex) {}

  tcp::socket socket;
  std::shared_ptr<ssl::context> tls_context;       // kept alive for `tls`
  std::unique_ptr<ssl::stream<tcp::socket&>> tls;  // over `socket`; null for plain TCP
  asio::steady_timer write_signal;                 // the writer sleeps on it
  asio::steady_timer progress;                     // waiters (CONNACK, SUBACK, window, drain) sleep on it
  asio::steady_timer pinger;
  std::string outbox;
  protocol_version version = protocol_version::v5;
  std::uint16_t keep_alive_s = 0;
  std::uint16_t max_in_flight = 64;
  bool open = false;
  bool writing = false;  // the writer has bytes in flight that are no longer in the outbox
  std::optional<mqtt::connack> ack;
  std::map<std::uint16_t, mqtt::suback> subacks;
  std::set<std::uint16_t> in_flight;
  std::set<std::uint16_t> incoming_qos2;
  std::uint16_t last_id = 0;
  std::uint64_t acked = 0;
  std::function<void(const mqtt::publish&)> handler;
  std::vector<std::uint8_t> in = std::vector<std::uint8_t>(initial_read_buffer);
  std::size_t begin = 0, end = 0;

  void send(const packet& p) {
    encode(p, version, outbox);
    write_signal.cancel();
  }
  void notify() { progress.cancel(); }
  std::uint16_t next_id() {
    do last_id = static_cast<std::uint16_t>(last_id == 65535 ? 1 : last_id + 1);
    while (in_flight.count(last_id) || subacks.count(last_id));
    return last_id;
  }
  void closed() {
    open = false;
    boost::system::error_code ec;
    socket.close(ec);
    write_signal.cancel();
    pinger.cancel();
    notify();
  }
  void handle(packet&& p) {
    switch (type_of(p)) {
      case packet_type::connack:
        ack = std::get<mqtt::connack>(p);
        if (ack->properties.server_keep_alive) keep_alive_s = *ack->properties.server_keep_alive;
        break;
      case packet_type::suback: {
        auto& s = std::get<mqtt::suback>(p);
        subacks[s.packet_id] = s;
        break;
      }
      case packet_type::puback:
        if (in_flight.erase(std::get<mqtt::puback>(p).packet_id)) ++acked;
        break;
      case packet_type::pubrec:
        send(mqtt::pubrel{std::get<mqtt::pubrec>(p).packet_id, reason_code::success, {}});
        break;
      case packet_type::pubcomp:
        if (in_flight.erase(std::get<mqtt::pubcomp>(p).packet_id)) ++acked;
        break;
      case packet_type::publish: {
        auto& m = std::get<mqtt::publish>(p);
        bool fresh = m.qos != qos::exactly_once || incoming_qos2.insert(*m.packet_id).second;
        if (fresh && handler) handler(m);
        if (m.qos == qos::at_least_once) send(mqtt::puback{*m.packet_id, reason_code::success, {}});
        if (m.qos == qos::exactly_once) send(mqtt::pubrec{*m.packet_id, reason_code::success, {}});
        break;
      }
      case packet_type::pubrel: {
        auto id = std::get<mqtt::pubrel>(p).packet_id;
        incoming_qos2.erase(id);
        send(mqtt::pubcomp{id, reason_code::success, {}});
        break;
      }
      case packet_type::disconnect:
        closed();
        break;
      default:
        break;
    }
    notify();
  }
};

namespace {

asio::awaitable<void> read_loop(std::shared_ptr<client::state> st) {
  while (st->open) {
    std::span<const std::uint8_t> unread(st->in.data() + st->begin, st->end - st->begin);
    auto framed = parse_frame(unread, 1u << 28);
    if (auto* f = std::get_if<frame>(&framed)) {
      auto p = decode_packet(f->first_byte, f->body(unread), st->version);
      st->begin += f->total_length;
      if (st->begin == st->end) st->begin = st->end = 0;
      if (!p) break;
      st->handle(std::move(*p));
      continue;
    }
    if (std::holds_alternative<decode_error>(framed)) break;
    std::size_t want = std::get<need_more>(framed).bytes;
    if (st->begin > 0) {
      std::memmove(st->in.data(), st->in.data() + st->begin, st->end - st->begin);
      st->end -= st->begin;
      st->begin = 0;
    }
    if (st->in.size() - st->end < want) st->in.resize(st->end + std::max(want, initial_read_buffer));
    auto space = asio::buffer(st->in.data() + st->end, st->in.size() - st->end);
    std::tuple<boost::system::error_code, std::size_t> result;
    if (st->tls)
      result = co_await st->tls->async_read_some(space, nothrow);
    else
      result = co_await st->socket.async_read_some(space, nothrow);
    auto [ec, n] = result;
    if (ec) break;
    if (n == space.size() && st->in.size() < large_read_buffer) st->in.resize(st->in.size() * 2);
    st->end += n;
  }
  st->closed();
}

asio::awaitable<void> write_loop(std::shared_ptr<client::state> st) {
  while (st->open || !st->outbox.empty()) {
    if (st->outbox.empty()) {
      if (!st->open) break;
      st->write_signal.expires_at(asio::steady_timer::time_point::max());
      co_await st->write_signal.async_wait(nothrow);
      continue;
    }
    std::string out;
    out.swap(st->outbox);
    st->writing = true;
    std::tuple<boost::system::error_code, std::size_t> result;
    if (st->tls)
      result = co_await asio::async_write(*st->tls, asio::buffer(out), nothrow);
    else
      result = co_await asio::async_write(st->socket, asio::buffer(out), nothrow);
    st->writing = false;
    auto [ec, n] = result;
    if (ec) {
      st->closed();
      break;
    }
    st->notify();  // a publisher may be waiting for the outbox to shrink
  }
}

asio::awaitable<void> ping_loop(std::shared_ptr<client::state> st) {
  if (st->keep_alive_s == 0) co_return;
  while (st->open) {
    st->pinger.expires_after(std::chrono::milliseconds(st->keep_alive_s * 750));
    auto [ec] = co_await st->pinger.async_wait(nothrow);
    if (ec || !st->open) co_return;
    st->send(mqtt::pingreq{});
  }
}

// Waits until `done()` or the connection ends. (Callers pass a named std::function: g++ 12
// mishandles lambda temporaries inside a co_await expression.)
asio::awaitable<void> wait_until(std::shared_ptr<client::state> st, std::function<bool()> done) {
  while (!done() && st->open) {
    st->progress.expires_at(asio::steady_timer::time_point::max());
    co_await st->progress.async_wait(nothrow);
  }
}

void throw_if_closed(const client::state& st) {
  if (!st.open) throw boost::system::system_error(asio::error::connection_reset, "mqtt client: connection closed");
}

asio::awaitable<void> connect_tcp(std::shared_ptr<client::state> st, std::string host, std::uint16_t port) {
  boost::system::error_code not_an_address;
  auto address = asio::ip::make_address(host, not_an_address);
  if (!not_an_address) {  // no resolver round trip (a thread hop in Asio) for the usual literal address
    co_await st->socket.async_connect(tcp::endpoint(address, port), asio::use_awaitable);
  } else {
    tcp::resolver resolver(st->socket.get_executor());
    auto endpoints = co_await resolver.async_resolve(host, std::to_string(port), asio::use_awaitable);
    co_await asio::async_connect(st->socket, endpoints, asio::use_awaitable);
  }
  st->socket.set_option(tcp::no_delay(true));
}

asio::awaitable<void> handshake_tls(std::shared_ptr<client::state> st, tls_options tls, std::string host) {
  st->tls_context = tls.context ? tls.context : client_tls_context(tls);
  st->tls = std::make_unique<ssl::stream<tcp::socket&>>(st->socket, *st->tls_context);
  std::string name = tls.server_name.empty() ? host : tls.server_name;
  boost::system::error_code not_an_address;
  asio::ip::make_address(name, not_an_address);
  if (not_an_address && !SSL_set_tlsext_host_name(st->tls->native_handle(), name.c_str()))
    throw boost::system::system_error(asio::error::invalid_argument, "mqtt client: TLS server name");
  if (tls.verify) st->tls->set_verify_callback(ssl::host_name_verification(name));
  if (tls.certificate || tls.key) {
    SSL* native = st->tls->native_handle();
    if (!tls.certificate || !tls.key || SSL_use_certificate(native, tls.certificate.get()) != 1 ||
        SSL_use_PrivateKey(native, tls.key.get()) != 1)
      throw boost::system::system_error(asio::error::invalid_argument,
                                        "mqtt client: the TLS certificate and key do not belong together");
  }
  co_await st->tls->async_handshake(ssl::stream_base::client, asio::use_awaitable);
}

}  // namespace

client::client(asio::any_io_executor executor) : state_(std::make_shared<state>(std::move(executor))) {}

client::~client() {
  if (state_->open) state_->closed();
}

asio::awaitable<mqtt::connack> client::connect(client_options options) {
  auto st = state_;
  co_await connect_tcp(st, options.host, options.port);
  if (options.tls) co_await handshake_tls(st, *options.tls, options.host);
  st->version = options.version;
  st->keep_alive_s = options.keep_alive_s;
  st->max_in_flight = options.max_in_flight;
  st->open = true;
  mqtt::connect hello;
  hello.version = options.version;
  hello.clean_start = options.clean_start;
  hello.keep_alive = options.keep_alive_s;
  hello.client_id = options.client_id;
  hello.username = options.username;
  hello.password = options.password;
  hello.properties.session_expiry_interval = options.session_expiry_s;
  st->send(hello);
  asio::co_spawn(st->socket.get_executor(), read_loop(st), asio::detached);
  asio::co_spawn(st->socket.get_executor(), write_loop(st), asio::detached);
  std::function<bool()> ready1 = [st] { return st->ack.has_value(); };
  co_await wait_until(st, ready1);
  throw_if_closed(*st);
  if (st->ack->reason != reason_code::success) {
    mqtt::connack refused = *st->ack;
    st->closed();
    co_return refused;
  }
  asio::co_spawn(st->socket.get_executor(), ping_loop(st), asio::detached);
  co_return *st->ack;
}

asio::awaitable<mqtt::suback> client::subscribe(std::vector<std::string> filters, qos max_qos) {
  auto st = state_;
  throw_if_closed(*st);
  mqtt::subscribe sub;
  sub.packet_id = st->next_id();
  for (auto& f : filters) sub.entries.push_back({std::move(f), max_qos});
  std::uint16_t id = sub.packet_id;
  st->subacks.erase(id);
  st->send(sub);
  std::function<bool()> ready2 = [st, id] { return st->subacks.count(id) > 0; };
  co_await wait_until(st, ready2);
  throw_if_closed(*st);
  mqtt::suback result = st->subacks[id];
  st->subacks.erase(id);
  co_return result;
}

asio::awaitable<void> client::publish(std::string topic, std::string payload, qos q, bool retain) {
  auto st = state_;
  throw_if_closed(*st);
  mqtt::publish p{false, q, retain, std::move(topic), std::nullopt, {}, std::move(payload)};
  if (q != qos::at_most_once) {
    std::function<bool()> ready3 = [st] { return st->in_flight.size() < st->max_in_flight; };
    co_await wait_until(st, ready3);
    throw_if_closed(*st);
    p.packet_id = st->next_id();
    st->in_flight.insert(*p.packet_id);
  }
  st->send(p);
  // Let the writer run when the outbox grows large, so a tight publish loop cannot buffer without end.
  if (st->outbox.size() > (1 << 20)) {
    std::function<bool()> written = [st] { return st->outbox.size() <= (1 << 20); };
    co_await wait_until(st, written);
  }
}

asio::awaitable<void> client::drain() {
  auto st = state_;
  std::function<bool()> ready4 = [st] { return st->in_flight.empty(); };
  co_await wait_until(st, ready4);
}

asio::awaitable<void> client::disconnect() {
  auto st = state_;
  if (!st->open) co_return;
  // Through the writer: a second writer on the socket could interleave its bytes with a packet.
  st->send(mqtt::disconnect{});
  std::function<bool()> flushed = [st] { return st->outbox.empty() && !st->writing; };
  co_await wait_until(st, flushed);
  st->closed();
}

void client::close() {
  if (state_->open) state_->closed();
}

void client::on_message(std::function<void(const mqtt::publish&)> handler) {
  state_->handler = std::move(handler);
}
bool client::connected() const {
  return state_->open;
}
std::uint64_t client::acknowledged() const {
  return state_->acked;
}

}  // namespace mothership::mqtt
