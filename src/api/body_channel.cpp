#include "api/body_channel.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstring>

namespace mothership::api {

body_channel::body_channel(boost::asio::any_io_executor io, std::size_t capacity)
    : io_(io), capacity_(capacity), room_(io) {}

boost::asio::awaitable<void> body_channel::wait_for_room() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (abandoned_ || bytes_ < capacity_) co_return;
      connection_waiting_ = true;
    }
    // Cancelled from the I/O thread (wake_connection posts there), never before this wait is
    // registered: both run on the connection's one thread.
    room_.expires_at(boost::asio::steady_timer::time_point::max());
    co_await room_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
}

boost::asio::awaitable<void> body_channel::wait_for_reader() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (abandoned_ || reader_started_) co_return;
      connection_waiting_ = true;
    }
    room_.expires_at(boost::asio::steady_timer::time_point::max());
    co_await room_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
}

void body_channel::push(std::string chunk) {
  if (chunk.empty()) return;
  std::lock_guard lock(mutex_);
  if (abandoned_) return;
  bytes_ += chunk.size();
  chunks_.push_back(std::move(chunk));
  arrived_.notify_one();
}

void body_channel::finish() {
  std::lock_guard lock(mutex_);
  finished_ = true;
  arrived_.notify_one();
}

void body_channel::fail(failure why) {
  std::lock_guard lock(mutex_);
  failed_ = why;
  arrived_.notify_one();
}

void body_channel::abandon() {
  std::unique_lock lock(mutex_);
  abandoned_ = true;
  chunks_.clear();
  bytes_ = 0;
  wake_connection(lock);
}

bool body_channel::abandoned() const {
  std::lock_guard lock(mutex_);
  return abandoned_;
}

std::size_t body_channel::read(char* data, std::size_t size) {
  std::unique_lock lock(mutex_);
  if (!reader_started_) {
    reader_started_ = true;
    wake_connection(lock);
  }
  arrived_.wait(lock, [this] { return !chunks_.empty() || finished_ || failed_ != failure::none; });
  if (failed_ == failure::too_large) throw common::source_too_large("the body is larger than allowed");
  if (failed_ == failure::broken) throw common::source_failed("the body broke off");
  if (chunks_.empty()) return 0;  // finished
  std::string& front = chunks_.front();
  std::size_t n = std::min(size, front.size() - offset_);
  std::memcpy(data, front.data() + offset_, n);
  offset_ += n;
  bytes_ -= n;
  if (offset_ == front.size()) {
    chunks_.pop_front();
    offset_ = 0;
  }
  // Half empty: let the connection read on (not at every read, which would wake it per chunk).
  if (connection_waiting_ && bytes_ <= capacity_ / 2) wake_connection(lock);
  return n;
}

void body_channel::wake_connection(std::unique_lock<std::mutex>&) {
  if (!connection_waiting_) return;
  connection_waiting_ = false;
  boost::asio::post(io_, [self = shared_from_this()] { self->room_.cancel(); });
}

}  // namespace mothership::api
