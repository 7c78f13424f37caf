#pragma once
// A request body on its way from the connection to a handler that reads it as a stream (a
// firmware upload): the connection's coroutine pushes chunks as they arrive, the handler, on a
// worker thread, reads them with blocking read()s. At most `capacity` bytes wait in between:
// when the handler (hashing, writing to disk) is slower than the client, the connection stops
// reading and TCP slows the client down, so an upload of any size holds a few MiB of memory.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "common/byte_source.hpp"

namespace mothership::api {

class body_channel : public common::byte_source, public std::enable_shared_from_this<body_channel> {
 public:
  enum class failure { none, broken, too_large };

  // Made with make_shared: a wake-up posted to the connection holds the channel.
  body_channel(boost::asio::any_io_executor io, std::size_t capacity = 4 << 20);

  // The connection's side, on its executor.
  // Returns once there is room for another chunk, or the handler is gone (abandoned()).
  boost::asio::awaitable<void> wait_for_room();
  // Returns once the handler has asked for the body (its first read()) or is gone: what a
  // client that sent `Expect: 100-continue` waits for, so that a handler's refusal comes
  // before the client sends a byte of the body.
  boost::asio::awaitable<void> wait_for_reader();
  void push(std::string chunk);
  void finish();           // the body is complete: read() gives 0 once it is drained
  void fail(failure why);  // the body broke off: read() throws
  // The handler has returned: nobody reads any more. Wakes a connection waiting for room.
  void abandon();
  bool abandoned() const;

  // The handler's side: blocks until bytes, the end or a failure arrive. Throws
  // common::source_failed (or source_too_large) when the body broke off.
  std::size_t read(char* data, std::size_t size) override;

 private:
  void wake_connection(std::unique_lock<std::mutex>& lock);

  boost::asio::any_io_executor io_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<std::string> chunks_;
  std::size_t offset_ = 0;  // into chunks_.front()
  std::size_t bytes_ = 0;   // waiting in chunks_
  bool finished_ = false;
  failure failed_ = failure::none;
  bool abandoned_ = false;
  bool reader_started_ = false;
  bool connection_waiting_ = false;
  boost::asio::steady_timer room_;
};

}  // namespace mothership::api
