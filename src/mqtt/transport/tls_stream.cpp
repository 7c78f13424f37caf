// TLS under MQTT (optionally mutual: a client certificate our CA signed names the device),
// driven on OpenSSL directly rather than through asio::ssl::stream. The point is idle memory:
// asio::ssl::stream keeps two 17 KB buffers per connection for its whole life and needs a
// read in flight to notice new records, so a silent TLS device cost ~70 KB. Here an idle
// connection holds its SSL object and a socket, and parks on socket readiness like plain TCP.
//
// How the bytes flow. OpenSSL reads ciphertext straight from the non-blocking socket (a socket
// BIO) and writes ciphertext into `outgoing_` (a queue BIO), which we send with non-blocking
// writes. Because its writes never block, no SSL_* call returns SSL_ERROR_WANT_WRITE and
// OpenSSL never keeps a half-sent record: the reader may answer a TLS 1.3 KeyUpdate, or the
// handshake queue session tickets, while the writer's records still wait in the queue, with no
// "bad write retry" between them. SSL_ERROR_WANT_READ means the socket is drained: whoever got
// it sends what is queued (the peer may be waiting for it) and waits for the socket.
//
// One read and one write may be in flight together (byte_stream's promise). Both run on the
// stream's executor, so each SSL_* call and each socket write completes before the other side
// resumes: they share the SSL object and the queue without locks. Queued bytes go out in order
// whoever sends them; the writer sends everything queued before it returns, so a reader that
// finds the writer busy leaves its bytes to it.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>

#include "mqtt/transport/streams.hpp"
#include "mqtt/transport/tls_queue_bio.hpp"

namespace mothership::mqtt {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

namespace {

// Plaintext encrypted per step of a write: bounds the ciphertext queued at once (a large
// PUBLISH is not copied whole) while filling the socket in few system calls.
constexpr std::size_t write_step = 64 * 1024;

// What an SSL_* call that returned `result` (> 0: success) left to do.
struct ssl_outcome {
  bool needs_input = false;  // the socket is drained; wait for it and call again
  error_code error;          // the call failed for good
};

ssl_outcome outcome_of(SSL* ssl, int result) {
  if (result > 0) return {};
  const int saved_errno = errno;
  switch (SSL_get_error(ssl, result)) {
    case SSL_ERROR_WANT_READ:
      return {.needs_input = true};
    case SSL_ERROR_ZERO_RETURN:  // the peer's close_notify
      return {.error = asio::error::eof};
    case SSL_ERROR_SYSCALL:
      // errno may be stale (an earlier EAGAIN) when OpenSSL failed without a system call: then
      // the connection is as good as reset, and must not read as "try again".
      if (saved_errno == 0 || saved_errno == EAGAIN || saved_errno == EWOULDBLOCK)
        return {.error = asio::error::connection_reset};
      return {.error = error_code(saved_errno, boost::system::system_category())};
    case SSL_ERROR_SSL: {
      const unsigned long reason = ERR_get_error();
      if (ERR_GET_REASON(reason) == SSL_R_UNEXPECTED_EOF_WHILE_READING)  // closed without close_notify
        return {.error = asio::ssl::error::stream_truncated};
      if (reason == 0) return {.error = asio::error::connection_aborted};  // an error code must not read as success
      return {.error = error_code(static_cast<int>(reason), asio::error::get_ssl_category())};
    }
    default:  // WANT_WRITE cannot happen (the queue BIO takes every write); the others need callbacks we do not set
      return {.error = asio::error::operation_not_supported};
  }
}

struct ssl_free_fn {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

class tls_byte_stream final : public byte_stream {
 public:
  tls_byte_stream(tcp::socket socket, const tls_settings& tls) : tls_(tls), socket_(std::move(socket)) {
    peer_.address = address_of(socket_);
    peer_.transport = "tls";
    error_code ec;
    socket_.non_blocking(true, ec);  // OpenSSL reads, and we write, without blocking the thread
    ssl_.reset(SSL_new(tls_.context->native_handle()));
    if (!ssl_) return;  // handshake() reports it
    BIO* in = BIO_new_socket(static_cast<int>(socket_.native_handle()), BIO_NOCLOSE);
    BIO* out = make_queue_bio(outgoing_);
    if (!in || !out) {
      BIO_free(in);
      BIO_free(out);
      ssl_.reset();
      return;
    }
    SSL_set_bio(ssl_.get(), in, out);
    SSL_set_accept_state(ssl_.get());
  }
  tls_byte_stream(const tls_byte_stream&) = delete;  // the queue BIO points at outgoing_
  tls_byte_stream& operator=(const tls_byte_stream&) = delete;

  asio::awaitable<error_code> handshake() override {
    if (!ssl_) co_return asio::error::no_memory;
    const auto generation = generation_;
    for (;;) {
      ERR_clear_error();
      const int result = SSL_do_handshake(ssl_.get());
      const auto step = check(result);
      // Our next flight, the session tickets after the last one, or the alert that explains a
      // failure (a client told "unknown ca" gives a better error than one that sees EOF).
      const auto sent = co_await send_queued(generation, false);
      if (step.error) {
        end_after_alert();
        co_return step.error;
      }
      if (sent) co_return sent;
      if (!step.needs_input) break;
      if (auto ec = co_await wait_readable(generation)) co_return ec;
    }
    read_peer_certificate(ssl_.get(), tls_, peer_);
    co_return error_code{};
  }

  asio::awaitable<std::pair<error_code, std::size_t>> read_some(asio::mutable_buffer into) override {
    if (failed_) co_return std::pair{failed_, std::size_t{0}};
    if (into.size() == 0) co_return std::pair{error_code{}, std::size_t{0}};
    const auto generation = generation_;
    for (;;) {
      std::size_t n = 0;
      ERR_clear_error();
      const int result = SSL_read_ex(ssl_.get(), into.data(), into.size(), &n);
      const auto step = check(result);
      // A record may have made OpenSSL answer (a KeyUpdate, an alert); the writer, if busy,
      // sends that with its own bytes.
      const auto sent = co_await send_queued(generation, true);
      if (result > 0) co_return std::pair{error_code{}, n};
      if (step.error) co_return std::pair{step.error, std::size_t{0}};
      if (sent) co_return std::pair{sent, std::size_t{0}};
      if (auto ec = co_await wait_readable(generation)) co_return std::pair{ec, std::size_t{0}};
    }
  }

  asio::awaitable<error_code> write(asio::const_buffer bytes) override {
    if (failed_) co_return failed_;
    const auto generation = generation_;
    writing_ = true;
    const auto* next = static_cast<const char*>(bytes.data());
    std::size_t left = bytes.size();
    error_code ec;
    while (!ec && left > 0) {
      // A failed SSL_write must be retried with the same bytes, hence the fixed step.
      const std::size_t step_size = std::min(left, write_step);
      std::size_t n = 0;
      ERR_clear_error();
      const int result = SSL_write_ex(ssl_.get(), next, step_size, &n);
      const auto step = check(result);
      ec = co_await send_queued(generation, false);
      if (result > 0) {
        next += n;
        left -= n;
      } else if (step.error) {
        ec = step.error;
      } else if (!ec) {
        // Only a renegotiation makes a server's SSL_write read, and the context refuses those;
        // still, OpenSSL's contract is to wait for input and retry.
        ec = co_await wait_readable(generation);
      }
    }
    if (!ec) ec = co_await send_queued(generation, false);  // what a reader left to us meanwhile
    writing_ = false;
    co_return ec;
  }

  // close_notify, then a moment for the peer's (most clients simply close the socket), so
  // that what the peer still sends does not reach a closed socket and reset the connection
  // before it has read our last bytes.
  asio::awaitable<void> close() override {
    const auto generation = generation_;
    asio::steady_timer deadline(socket_.get_executor(), std::chrono::seconds(1));
    auto done = std::make_shared<bool>(false);  // the timer's handler may run after we return
    deadline.async_wait([this, done](const error_code& ec) {
      if (!ec && !*done) cancel();
    });
    if (ssl_ && SSL_is_init_finished(ssl_.get()) && !failed_) {  // OpenSSL forbids a shutdown after a fatal error
      ERR_clear_error();
      SSL_shutdown(ssl_.get());
      if (!co_await send_queued(generation, false)) co_await drain_until_peer_closes(generation);
    }
    *done = true;
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
  }

  void cancel() override {
    ++generation_;  // also ends operations whose wait completed before this call but has not resumed yet
    error_code ec;
    socket_.cancel(ec);
  }

  // OpenSSL holds neither plaintext nor part of a record (SSL_has_pending covers both), and
  // nothing waits to be sent: the socket alone says when there is more to do.
  bool can_wait_readable() const override {
    return ssl_ && !SSL_has_pending(ssl_.get()) && (outgoing_.size() == sent_ || writing_);
  }

  std::pair<error_code, std::size_t> try_read_some(asio::mutable_buffer into) override {
    if (failed_) return {failed_, 0};
    std::size_t n = 0;
    ERR_clear_error();
    const int result = SSL_read_ex(ssl_.get(), into.data(), into.size(), &n);
    const auto step = check(result);
    if (!writing_) send_queued_now();
    if (result > 0) return {error_code{}, n};
    if (step.error) return {step.error, 0};
    // OpenSSL holds part of a record, or an answer the socket could not take yet: no bytes,
    // but no reason to park either (can_wait_readable() is false); read_some() finishes it.
    if (!can_wait_readable()) return {error_code{}, 0};
    return {asio::error::would_block, 0};
  }

  void async_wait_readable(std::shared_ptr<readable_waiter> waiter) override {
    socket_.async_wait(tcp::socket::wait_read, [w = std::move(waiter)](error_code ec) { w->on_readable(ec); });
  }

  asio::any_io_executor get_executor() override { return socket_.get_executor(); }
  const peer_info& peer() const override { return peer_; }

 private:
  // outcome_of(), remembering a fatal error: OpenSSL must not be called again after one, and
  // does not always say so again.
  ssl_outcome check(int result) {
    auto outcome = outcome_of(ssl_.get(), result);
    if (outcome.error && outcome.error != asio::error::eof) failed_ = outcome.error;
    return outcome;
  }

  // Waits until the socket has bytes. Any error, or a cancel() since `generation`, ends it.
  asio::awaitable<error_code> wait_readable(unsigned generation) {
    auto [ec] = co_await socket_.async_wait(tcp::socket::wait_read, nothrow);
    if (!ec && generation != generation_) ec = asio::error::operation_aborted;
    co_return ec;
  }

  // After a failed handshake. OpenSSL reads only the records it needs, so a TLS 1.3 client's
  // first bytes after its Finished (its CONNECT) may still be unread; closing a socket with
  // unread bytes resets the connection, and a reset can destroy the alert before the client
  // reads it. Drops what has arrived, then ends our side after the alert.
  void end_after_alert() {
    std::array<char, 4096> discard;
    for (int i = 0; i < 16; ++i) {  // a bound: a peer that keeps sending gets its reset
      error_code ec;
      socket_.read_some(asio::buffer(discard), ec);
      if (ec) break;
    }
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
  }

  // Writes queued bytes until the socket would block. What remains, or a write error, is left
  // to the next send_queued().
  void send_queued_now() {
    while (sent_ < outgoing_.size()) {
      error_code ec;
      const std::size_t n = socket_.write_some(asio::buffer(outgoing_.data() + sent_, outgoing_.size() - sent_), ec);
      if (ec) return;
      sent_ += n;
    }
    release_queue();
  }

  void release_queue() {
    std::string().swap(outgoing_);  // an idle connection keeps no send buffer
    sent_ = 0;
  }

  // Sends everything queued, waiting for the socket as needed. A reader (`leave_to_writer`)
  // stops as soon as a write is in flight: the writer sends the rest.
  asio::awaitable<error_code> send_queued(unsigned generation, bool leave_to_writer) {
    while (sent_ < outgoing_.size()) {
      if (leave_to_writer && writing_) co_return error_code{};
      error_code ec;
      const std::size_t n = socket_.write_some(asio::buffer(outgoing_.data() + sent_, outgoing_.size() - sent_), ec);
      if (!ec) {
        sent_ += n;
        continue;
      }
      if (ec != asio::error::would_block) co_return ec;
      auto [wait_ec] = co_await socket_.async_wait(tcp::socket::wait_write, nothrow);
      if (!wait_ec && generation != generation_) wait_ec = asio::error::operation_aborted;
      if (wait_ec) co_return wait_ec;
    }
    release_queue();
    co_return error_code{};
  }

  // Reads and drops what the peer still sends until its close_notify, its EOF, an error or a
  // cancel().
  asio::awaitable<void> drain_until_peer_closes(unsigned generation) {
    std::array<char, 1024> discard;
    for (;;) {
      std::size_t n = 0;
      ERR_clear_error();
      const int result = SSL_read_ex(ssl_.get(), discard.data(), discard.size(), &n);
      if (result > 0) continue;
      if (!check(result).needs_input) co_return;
      if (co_await wait_readable(generation)) co_return;
    }
  }

  tls_settings tls_;  // holds the context the SSL object was made from
  tcp::socket socket_;
  std::unique_ptr<SSL, ssl_free_fn> ssl_;
  std::string outgoing_;  // ciphertext OpenSSL queued; [sent_, size) is still to be sent
  std::size_t sent_ = 0;
  error_code failed_;        // the fatal error, once there was one
  unsigned generation_ = 0;  // counts cancel() calls
  bool writing_ = false;     // a write() is in flight
  peer_info peer_;
};

}  // namespace

std::unique_ptr<byte_stream> make_tls_stream(tcp::socket socket, const tls_settings& tls) {
  return std::make_unique<tls_byte_stream>(std::move(socket), tls);
}

}  // namespace mothership::mqtt
