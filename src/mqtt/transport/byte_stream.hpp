#pragma once
// The bytes under an MQTT connection: plain TCP, TLS, or WebSocket over either. The
// connection's protocol logic (mqtt_connection.cpp) is written once against this interface,
// and each transport's Asio/Beast templates stay in its own translation unit.
//
// One read and one write may be outstanding at the same time (the connection's reader and
// writer run concurrently); all calls happen on the stream's executor.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace mothership::mqtt {

// A client certificate presented in the TLS handshake (which, since it succeeded, means our CA
// verified it).
struct client_certificate {
  // The identity it names (the device id); nullopt when it names none.
  std::optional<std::string> identity;
  // Its serial number and SHA-256 fingerprint (lower-case hex), so that revoked certificates
  // and factory certificates can be recognised.
  std::string serial;
  std::string sha256;
};

// What the transport learned about the peer during the handshake.
struct peer_info {
  std::string address;            // "ip:port"
  const char* transport = "tcp";  // tcp | tls | ws | wss
  // Null when the client presented none. Boxed: most connections (every plain TCP one) have
  // none, and every stream holds a peer_info for its whole life (104 bytes less each).
  std::unique_ptr<client_certificate> certificate;
};

// Told once that a parked stream's socket has bytes, or that its wait ended (see
// async_wait_readable). An interface held by shared_ptr rather than a std::function: the wait
// then holds one pointer and allocates nothing beside itself, on every idle connection.
class readable_waiter {
 public:
  virtual void on_readable(boost::system::error_code ec) = 0;

 protected:
  ~readable_waiter() = default;
};

class byte_stream {
 public:
  virtual ~byte_stream() = default;

  // TLS handshake and/or WebSocket upgrade; nothing for plain TCP.
  virtual boost::asio::awaitable<boost::system::error_code> handshake() = 0;
  virtual boost::asio::awaitable<std::pair<boost::system::error_code, std::size_t>> read_some(
      boost::asio::mutable_buffer into) = 0;
  virtual boost::asio::awaitable<boost::system::error_code> write(boost::asio::const_buffer bytes) = 0;
  // Ends the session politely (TLS close_notify, WebSocket close frame) and shuts the socket.
  virtual boost::asio::awaitable<void> close() = 0;
  // Makes every pending read and write complete with operation_aborted. Does not rely on
  // per-operation cancellation, which not every layer supports.
  virtual void cancel() = 0;

  // Idle connections without a read in flight (plain TCP and TLS; not WebSocket, whose layer
  // may hold bytes the socket no longer shows). can_wait_readable is true while the transport
  // holds nothing the socket does not show. try_read_some never blocks: would_block when
  // nothing is there, and 0 bytes without an error when the transport has work only read_some
  // can finish (can_wait_readable is then false). async_wait_readable keeps the waiter alive
  // and calls it back once the socket has bytes (or with operation_aborted after cancel()).
  virtual bool can_wait_readable() const { return false; }
  virtual std::pair<boost::system::error_code, std::size_t> try_read_some(boost::asio::mutable_buffer) {
    return {boost::asio::error::would_block, 0};
  }
  virtual void async_wait_readable(std::shared_ptr<readable_waiter> waiter) {
    waiter->on_readable(boost::asio::error::operation_not_supported);
  }

  // Plain TCP only: writes what the socket takes now, from any thread, never blocking
  // (would_block when it takes nothing). The caller makes sure that no other write is in
  // flight (mqtt_connection.cpp's output claim). Lets a publisher's thread hand a message
  // straight to an idle subscriber's socket instead of waking the subscriber's thread.
  virtual bool can_write_from_any_thread() const { return false; }
  virtual std::pair<boost::system::error_code, std::size_t> try_write_some(boost::asio::const_buffer) {
    return {boost::asio::error::operation_not_supported, 0};
  }

  virtual boost::asio::any_io_executor get_executor() = 0;
  virtual const peer_info& peer() const = 0;
};

}  // namespace mothership::mqtt
