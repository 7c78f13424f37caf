#include "api/body_channel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>

namespace mothership::api {
namespace {

namespace asio = boost::asio;

std::string read_all(common::byte_source& source) {
  std::string out;
  char buf[7];  // odd size: reads straddle chunk boundaries
  while (std::size_t n = source.read(buf, sizeof buf)) out.append(buf, n);
  return out;
}

TEST(BodyChannel, ChunksArriveInOrderAndEndWithZero) {
  asio::io_context io;
  auto channel = std::make_shared<body_channel>(io.get_executor(), 1024);
  channel->push("hello ");
  channel->push("");
  channel->push("streamed world");
  channel->finish();
  EXPECT_EQ(read_all(*channel), "hello streamed world");
}

TEST(BodyChannel, AFailureReachesTheReaderAsAnException) {
  asio::io_context io;
  auto broken = std::make_shared<body_channel>(io.get_executor(), 1024);
  broken->push("part");
  broken->fail(body_channel::failure::broken);
  char buf[16];
  EXPECT_THROW(broken->read(buf, sizeof buf), common::source_failed);

  auto too_large = std::make_shared<body_channel>(io.get_executor(), 1024);
  too_large->fail(body_channel::failure::too_large);
  EXPECT_THROW(too_large->read(buf, sizeof buf), common::source_too_large);
}

// The producer (the connection's coroutine) waits for room once `capacity` bytes are queued and
// goes on when a slow reader on another thread has drained half: never more than capacity + one
// chunk held, and every byte delivered.
TEST(BodyChannel, AFullChannelHoldsTheProducerUntilTheReaderCatchesUp) {
  asio::io_context io;
  auto channel = std::make_shared<body_channel>(io.get_executor(), 64);
  const std::string chunk(16, 'x');
  const int chunks = 200;
  std::atomic<int> pushed{0};
  std::atomic<int> waits_that_blocked{0};
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < chunks; ++i) {
          auto before = pushed.load();
          co_await channel->wait_for_room();
          if (pushed.load() != before) ADD_FAILURE() << "pushed while waiting";
          channel->push(chunk);
          ++pushed;
        }
        channel->finish();
      },
      asio::detached);

  std::string got;
  std::thread reader([&] {
    char buf[8];
    while (std::size_t n = channel->read(buf, sizeof buf)) {
      got.append(buf, n);
      // Slow reader: the producer must be at most capacity/chunk + 1 chunks ahead.
      int ahead = pushed.load() - static_cast<int>(got.size() / chunk.size());
      if (ahead > 64 / 16 + 1) ++waits_that_blocked;  // counted as a failure below
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  });
  io.run();
  reader.join();
  EXPECT_EQ(got.size(), chunk.size() * chunks);
  EXPECT_EQ(waits_that_blocked.load(), 0);
}

TEST(BodyChannel, AbandonReleasesAWaitingProducerAndDropsLaterChunks) {
  asio::io_context io;
  auto channel = std::make_shared<body_channel>(io.get_executor(), 8);
  bool done = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        channel->push(std::string(8, 'a'));  // full
        co_await channel->wait_for_room();   // returns only once abandoned
        EXPECT_TRUE(channel->abandoned());
        channel->push("more");  // dropped
        done = true;
      },
      asio::detached);
  io.poll();
  EXPECT_FALSE(done);
  std::thread handler([&] { channel->abandon(); });
  handler.join();
  io.run();
  EXPECT_TRUE(done);
}

TEST(BodyChannel, TheConnectionLearnsWhenTheHandlerFirstAsksForTheBody) {
  asio::io_context io;
  auto channel = std::make_shared<body_channel>(io.get_executor(), 64);
  bool wanted = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await channel->wait_for_reader();
        wanted = true;
        channel->push("body");
        channel->finish();
      },
      asio::detached);
  io.poll();
  EXPECT_FALSE(wanted);  // no 100 Continue before the handler reads
  std::string got;
  std::thread handler([&] { got = read_all(*channel); });
  io.run();
  handler.join();
  EXPECT_TRUE(wanted);
  EXPECT_EQ(got, "body");

  // A handler that refuses without reading releases the wait too (and no body is wanted).
  asio::io_context io2;
  auto refused = std::make_shared<body_channel>(io2.get_executor(), 64);
  bool released = false;
  asio::co_spawn(
      io2,
      [&]() -> asio::awaitable<void> {
        co_await refused->wait_for_reader();
        released = refused->abandoned();
      },
      asio::detached);
  io2.poll();
  refused->abandon();
  io2.run();
  EXPECT_TRUE(released);
}

}  // namespace
}  // namespace mothership::api
