// The MQTT TLS stream against an asio::ssl client over loopback TCP: an idle connection waits
// without a read in flight, TLS 1.3 KeyUpdates are answered (also while a large write is
// queued), data larger than a record crosses both ways at once, cancel() ends what is pending,
// close() says close_notify, and a failed handshake is an error.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <fstream>

#include "mqtt/transport/streams.hpp"
#include "mqtt/transport/tls_context.hpp"
#include "pki/self_signed.hpp"

namespace mothership::mqtt {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using tls_client = ssl::stream<tcp::socket>;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

// Counts the KeyUpdate messages a client receives (OpenSSL's message callback sees each
// handshake message, also after the handshake).
int key_updates_received = 0;
void count_key_updates(int write_p, int, int content_type, const void* buf, std::size_t len, SSL*, void*) {
  if (!write_p && content_type == SSL3_RT_HANDSHAKE && len > 0 &&
      static_cast<const unsigned char*>(buf)[0] == SSL3_MT_KEY_UPDATE)
    ++key_updates_received;
}

std::string pattern(std::size_t size, char seed) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>(seed + i % 251);
  return s;
}

// Remembers whether a readiness wait ended with the socket readable.
struct wake_flag final : readable_waiter {
  void on_readable(error_code ec) override { woken = !ec; }
  bool woken = false;
};

class tls_stream_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("ms-tls-stream-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    auto key = (dir_ / "server.key").string(), cert = (dir_ / "server.crt").string();
    pki::write_self_signed_if_missing(key, cert, {"localhost", "127.0.0.1"}, 1);
    server_context_ = make_server_tls_context({cert, key, ""});
  }
  static void TearDownTestSuite() {
    server_context_.reset();
    std::filesystem::remove_all(dir_);
  }

  tls_stream_test() : client_context_(ssl::context::tls_client) {
    SSL_CTX_set_min_proto_version(client_context_.native_handle(), TLS1_3_VERSION);  // KeyUpdate is TLS 1.3
    client_context_.set_verify_mode(ssl::verify_none);
    SSL_CTX_set_msg_callback(client_context_.native_handle(), count_key_updates);
    key_updates_received = 0;
  }

  // A server stream and a client, both past the handshake.
  void open() {
    tcp::acceptor acceptor(io_, {asio::ip::make_address("127.0.0.1"), 0});
    client_ = std::make_unique<tls_client>(io_, client_context_);
    client_->next_layer().connect(acceptor.local_endpoint());
    server_ = make_tls_stream(acceptor.accept(), tls_settings{server_context_, {}});
    error_code server_ec, client_ec;
    run(server_handshake(server_.get(), &server_ec), client_handshake(client_.get(), &client_ec));
    ASSERT_FALSE(server_ec) << server_ec.message();
    ASSERT_FALSE(client_ec) << client_ec.message();
  }

  // Runs the coroutines to completion on the test's io_context.
  template <class... Tasks>
  void run(Tasks&&... tasks) {
    (asio::co_spawn(io_, std::forward<Tasks>(tasks), rethrow), ...);
    io_.restart();
    io_.run();
  }
  static void rethrow(std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  }

  static asio::awaitable<void> server_handshake(byte_stream* server, error_code* ec) {
    *ec = co_await server->handshake();
  }
  static asio::awaitable<void> client_handshake(tls_client* client, error_code* ec) {
    std::tie(*ec) = co_await client->async_handshake(ssl::stream_base::client, nothrow);
  }
  static asio::awaitable<void> client_write(tls_client* client, std::string bytes, error_code* ec) {
    std::tie(*ec, std::ignore) = co_await asio::async_write(*client, asio::buffer(bytes), nothrow);
  }
  static asio::awaitable<void> client_read(tls_client* client, std::size_t size, std::string* into, error_code* ec) {
    into->resize(size);
    std::size_t n = 0;
    std::tie(*ec, n) = co_await asio::async_read(*client, asio::buffer(*into), nothrow);
    into->resize(n);
  }
  static asio::awaitable<void> server_write(byte_stream* server, std::string bytes, error_code* ec) {
    *ec = co_await server->write(asio::buffer(bytes));
  }
  static asio::awaitable<void> server_read(byte_stream* server, std::size_t size, std::string* into, error_code* ec) {
    std::vector<char> chunk(4096);
    while (into->size() < size) {
      auto [read_ec, n] = co_await server->read_some(asio::buffer(chunk));
      *ec = read_ec;
      if (read_ec) co_return;
      into->append(chunk.data(), n);
    }
  }

  // Sends `message` from the client while the server waits without a read in flight; returns
  // what the server then reads, again without one.
  std::string send_while_parked(const std::string& message) {
    EXPECT_TRUE(server_->can_wait_readable());
    std::array<char, 4096> buffer;
    auto [ec, n] = server_->try_read_some(asio::buffer(buffer));
    EXPECT_EQ(ec, asio::error::would_block);
    auto woken = std::make_shared<wake_flag>();
    server_->async_wait_readable(woken);
    error_code write_ec;
    run(client_write(client_.get(), message, &write_ec));
    EXPECT_FALSE(write_ec);
    EXPECT_TRUE(woken->woken);
    std::string got;
    for (int i = 0; i < 100; ++i) {
      std::tie(ec, n) = server_->try_read_some(asio::buffer(buffer));
      if (ec) break;
      got.append(buffer.data(), n);
    }
    EXPECT_EQ(ec, asio::error::would_block) << ec.message();
    return got;
  }

  static inline std::filesystem::path dir_;
  static inline std::shared_ptr<ssl::context> server_context_;
  asio::io_context io_;
  ssl::context client_context_;
  std::unique_ptr<tls_client> client_;
  std::unique_ptr<byte_stream> server_;
};

TEST_F(tls_stream_test, an_idle_connection_waits_on_the_socket_and_resumes) {
  open();
  for (std::string message : {"hello", "again", "and again"}) {
    EXPECT_EQ(send_while_parked(message), message);
    EXPECT_TRUE(server_->can_wait_readable());  // nothing left inside OpenSSL
  }
  error_code write_ec, read_ec;
  std::string reply;
  run(server_write(server_.get(), "reply", &write_ec), client_read(client_.get(), 5, &reply, &read_ec));
  EXPECT_FALSE(write_ec);
  EXPECT_EQ(reply, "reply");
}

TEST_F(tls_stream_test, a_key_update_the_client_requests_is_answered_and_traffic_goes_on) {
  open();
  for (int round = 1; round <= 3; ++round) {
    SSL_key_update(client_->native_handle(), SSL_KEY_UPDATE_REQUESTED);  // goes out before the next data
    error_code ec;
    std::string message = "after update " + std::to_string(round);
    if (round % 2) {
      EXPECT_EQ(send_while_parked(message), message);  // the idle path answers it
    } else {
      std::string got;
      error_code write_ec;  // and so does a read in flight
      run(server_read(server_.get(), message.size(), &got, &ec), client_write(client_.get(), message, &write_ec));
      EXPECT_FALSE(write_ec);
      EXPECT_FALSE(ec);
      EXPECT_EQ(got, message);
    }
    std::string reply;
    error_code write_ec;
    run(server_write(server_.get(), "reply", &write_ec), client_read(client_.get(), 5, &reply, &ec));
    EXPECT_FALSE(write_ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(reply, "reply");
    EXPECT_EQ(key_updates_received, round);
  }
}

TEST_F(tls_stream_test, large_data_crosses_both_ways_at_once_with_a_key_update_during_the_write) {
  open();
  const std::string down = pattern(3 << 20, 'a'), up = pattern(3 << 20, 'A');
  SSL_key_update(client_->native_handle(), SSL_KEY_UPDATE_REQUESTED);
  std::string got_down, got_up;
  error_code server_write_ec, server_read_ec, client_write_ec, client_read_ec;
  run(server_write(server_.get(), down, &server_write_ec),
      server_read(server_.get(), up.size(), &got_up, &server_read_ec),
      client_write(client_.get(), up, &client_write_ec),
      client_read(client_.get(), down.size(), &got_down, &client_read_ec));
  EXPECT_FALSE(server_write_ec) << server_write_ec.message();
  EXPECT_FALSE(server_read_ec) << server_read_ec.message();
  EXPECT_FALSE(client_write_ec) << client_write_ec.message();
  EXPECT_FALSE(client_read_ec) << client_read_ec.message();
  EXPECT_TRUE(got_down == down);
  EXPECT_TRUE(got_up == up);
  EXPECT_TRUE(server_->can_wait_readable());
  // The server's KeyUpdate may have followed its last data: a reply after it shows it arrived
  // and the client took it.
  std::string reply;
  run(server_write(server_.get(), "reply", &server_write_ec), client_read(client_.get(), 5, &reply, &client_read_ec));
  EXPECT_EQ(reply, "reply");
  EXPECT_EQ(key_updates_received, 1);
}

asio::awaitable<void> cancel_after(asio::io_context* io, byte_stream* server) {
  asio::steady_timer pause(*io, std::chrono::milliseconds(100));
  co_await pause.async_wait(asio::use_awaitable);
  server->cancel();
}

TEST_F(tls_stream_test, cancel_ends_a_pending_read_and_a_pending_write) {
  open();
  std::string never;
  error_code read_ec, write_ec;
  // The client reads nothing, so 16 MB cannot all go out.
  run(server_read(server_.get(), 1, &never, &read_ec), server_write(server_.get(), pattern(16 << 20, 'x'), &write_ec),
      cancel_after(&io_, server_.get()));
  EXPECT_EQ(read_ec, asio::error::operation_aborted);
  EXPECT_EQ(write_ec, asio::error::operation_aborted);
}

asio::awaitable<void> close_server(byte_stream* server) {
  co_await server->close();
}

asio::awaitable<void> read_until_closed(tls_client* client, error_code* ec) {
  std::array<char, 64> buffer;
  std::tie(*ec, std::ignore) = co_await client->async_read_some(asio::buffer(buffer), nothrow);
  client->next_layer().close();
}

TEST_F(tls_stream_test, close_sends_close_notify) {
  open();
  error_code ec;
  const auto started = std::chrono::steady_clock::now();
  run(close_server(server_.get()), read_until_closed(client_.get(), &ec));
  EXPECT_EQ(ec, asio::error::eof);  // what asio::ssl reports for a close_notify
  EXPECT_LT(std::chrono::steady_clock::now() - started,
            std::chrono::milliseconds(900));  // the client's EOF ended the wait
}

TEST_F(tls_stream_test, a_client_gone_without_close_notify_ends_every_later_read) {
  open();
  client_->next_layer().close();
  std::string got;
  error_code first, second;
  run(server_read(server_.get(), 1, &got, &first));
  // stream_truncated, or a reset when the client left our session tickets unread.
  EXPECT_TRUE(first == ssl::error::stream_truncated || first == asio::error::connection_reset) << first.message();
  run(server_read(server_.get(), 1, &got, &second));  // OpenSSL is not asked again
  EXPECT_EQ(second, first);
  std::array<char, 16> buffer;
  EXPECT_EQ(server_->try_read_some(asio::buffer(buffer)).first, first);
}

TEST_F(tls_stream_test, a_client_that_does_not_speak_tls_fails_the_handshake) {
  tcp::acceptor acceptor(io_, {asio::ip::make_address("127.0.0.1"), 0});
  tcp::socket client(io_);
  client.connect(acceptor.local_endpoint());
  server_ = make_tls_stream(acceptor.accept(), tls_settings{server_context_, {}});
  asio::write(client, asio::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
  error_code ec;
  run(server_handshake(server_.get(), &ec));
  EXPECT_TRUE(ec);
  EXPECT_EQ(ec.category(), asio::error::get_ssl_category()) << ec.message();
}

}  // namespace
}  // namespace mothership::mqtt
