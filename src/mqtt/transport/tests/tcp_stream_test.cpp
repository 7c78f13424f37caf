// The MQTT TCP stream's reads: after a read that filled less than it was given (the socket was
// empty), try_read_some answers "would block" without asking the kernel, and bytes that came
// in the meantime are not lost: the readiness wait that follows still sees them.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include "mqtt/transport/streams.hpp"

namespace mothership::mqtt {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct wake_flag final : readable_waiter {
  void on_readable(boost::system::error_code ec) override {
    woken = !ec;
    ended = true;
  }
  bool woken = false;
  bool ended = false;
};

class tcp_stream_test : public ::testing::Test {
 protected:
  tcp_stream_test() : client_(io_) {
    tcp::acceptor acceptor(io_, {asio::ip::make_address("127.0.0.1"), 0});
    client_.connect(acceptor.local_endpoint());
    server_ = make_tcp_stream(acceptor.accept());
  }

  // Runs the io_context until `done` or 5 s.
  template <typename Done>
  void run_until(Done done) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done() && std::chrono::steady_clock::now() < give_up) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(10));
    }
  }

  std::string read_some(std::size_t size) {
    std::string into(size, '\0');
    auto read = asio::co_spawn(io_, server_->read_some(asio::buffer(into)), asio::use_future);
    run_until([&] { return read.wait_for(std::chrono::seconds(0)) == std::future_status::ready; });
    auto [ec, n] = read.get();
    EXPECT_FALSE(ec) << ec.message();
    into.resize(n);
    return into;
  }

  asio::io_context io_;
  tcp::socket client_;
  std::unique_ptr<byte_stream> server_;
};

TEST_F(tcp_stream_test, after_a_short_read_the_next_bytes_come_through_the_readiness_wait) {
  asio::write(client_, asio::buffer(std::string("first")));
  EXPECT_EQ(read_some(100), "first");  // short: the socket is empty now

  // Bytes arrive before the reader parks; the shortcut does not read them...
  asio::write(client_, asio::buffer(std::string("second")));
  char buffer[100];
  EXPECT_EQ(server_->try_read_some(asio::buffer(buffer)).first, asio::error::would_block);
  // ...and the wait that follows still reports them.
  auto waiter = std::make_shared<wake_flag>();
  server_->async_wait_readable(waiter);
  run_until([&] { return waiter->ended; });
  ASSERT_TRUE(waiter->woken);
  auto [ec, n] = server_->try_read_some(asio::buffer(buffer));
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(std::string(buffer, n), "second");
}

TEST_F(tcp_stream_test, a_read_that_filled_its_buffer_is_followed_by_a_real_one) {
  asio::write(client_, asio::buffer(std::string("0123456789")));
  EXPECT_EQ(read_some(4), "0123");  // full: more may wait in the socket
  char buffer[100];
  auto [ec, n] = server_->try_read_some(asio::buffer(buffer));
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(std::string(buffer, n), "456789");
}

}  // namespace
}  // namespace mothership::mqtt
