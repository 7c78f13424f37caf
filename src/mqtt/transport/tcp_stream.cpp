// Plain TCP under MQTT.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <stdexcept>

#include "mqtt/transport/streams.hpp"

namespace mothership::mqtt {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

std::string address_of(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  auto ip = remote.address().to_string();
  if (remote.address().is_v6()) ip = "[" + ip + "]";
  return ip + ":" + std::to_string(remote.port());
}

namespace {

// A socket typed on io_context's executor rather than any_io_executor: 40 bytes instead of 88,
// and each readiness wait it starts is 48 bytes smaller too (its operation keeps a copy of the
// executor). Idle connections are mostly these two objects, so it shows per connection.
using io_socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;

io_socket on_its_io_context(tcp::socket socket) {
  const auto executor = socket.get_executor();
  const auto* io = executor.target<asio::io_context::executor_type>();
  if (!io) throw std::invalid_argument("make_tcp_stream: the socket must run on an io_context");
  // A socket that already failed has no local endpoint; its first read reports the failure.
  boost::system::error_code ec;
  const auto local = socket.local_endpoint(ec);
  const auto protocol = ec ? tcp::v4() : local.protocol();
  io_socket typed(*io);
  const auto fd = socket.release(ec);
  if (ec) return typed;  // closed: reads on it fail at once
  typed.assign(protocol, fd, ec);
  if (ec) ::close(fd);
  return typed;
}

class tcp_byte_stream final : public byte_stream {
 public:
  tcp_byte_stream(io_socket socket, std::string address) : socket_(std::move(socket)) {
    peer_.address = std::move(address);
    peer_.transport = "tcp";
    boost::system::error_code ec;
    socket_.non_blocking(true, ec);  // for try_read_some; Asio's own operations are unaffected
  }

  asio::awaitable<boost::system::error_code> handshake() override { co_return boost::system::error_code{}; }

  asio::awaitable<std::pair<boost::system::error_code, std::size_t>> read_some(asio::mutable_buffer into) override {
    auto [ec, n] = co_await socket_.async_read_some(into, nothrow);
    drained_ = !ec && n < into.size();
    co_return std::pair{ec, n};
  }

  asio::awaitable<boost::system::error_code> write(asio::const_buffer bytes) override {
    auto [ec, n] = co_await asio::async_write(socket_, bytes, nothrow);
    co_return ec;
  }

  asio::awaitable<void> close() override {
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    co_return;
  }

  void cancel() override {
    boost::system::error_code ec;
    socket_.cancel(ec);
  }

  bool can_wait_readable() const override { return true; }

  std::pair<boost::system::error_code, std::size_t> try_read_some(asio::mutable_buffer into) override {
    // A TCP read that filled less than it was given emptied the socket: asking again would
    // only hear EAGAIN (a system call per message at low rates). Bytes that arrive later
    // raise a new readiness event for the wait that follows.
    if (drained_) return {asio::error::would_block, 0};
    boost::system::error_code ec;
    std::size_t n = socket_.read_some(into, ec);
    drained_ = !ec && n < into.size();
    return {ec, n};
  }

  void async_wait_readable(std::shared_ptr<readable_waiter> waiter) override {
    drained_ = false;  // the wait ends when bytes came: the next read is a real one
    socket_.async_wait(tcp::socket::wait_read,
                       [w = std::move(waiter)](boost::system::error_code ec) { w->on_readable(ec); });
  }

  bool can_write_from_any_thread() const override { return true; }

  // ::send on the descriptor rather than the socket object, whose Asio state belongs to its
  // own thread; the kernel orders this against the reads that thread makes.
  std::pair<boost::system::error_code, std::size_t> try_write_some(asio::const_buffer bytes) override {
    ssize_t n = ::send(socket_.native_handle(), bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) return {{}, static_cast<std::size_t>(n)};
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {asio::error::would_block, 0};
    return {boost::system::error_code(errno, boost::system::system_category()), 0};
  }

  asio::any_io_executor get_executor() override { return socket_.get_executor(); }
  const peer_info& peer() const override { return peer_; }

 private:
  io_socket socket_;
  peer_info peer_;
  bool drained_ = false;  // the last read left the socket empty (it filled less than it was given)
};

}  // namespace

std::unique_ptr<byte_stream> make_tcp_stream(tcp::socket socket) {
  std::string address = address_of(socket);
  return std::make_unique<tcp_byte_stream>(on_its_io_context(std::move(socket)), std::move(address));
}

}  // namespace mothership::mqtt
