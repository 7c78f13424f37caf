#pragma once
// A bounded, ordered queue of work on the worker pool: what is posted to one lane runs one at a
// time, in the order it was posted, on a strand of the pool. A lane that holds `limit` items
// refuses more (post() returns false and counts a drop) instead of growing without end, so a
// flood of one kind of device message (say, state updates) costs that kind its messages but
// never delays another lane (onboarding, jobs) or the memory of the server.
#include <atomic>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <functional>
#include <string>

namespace mothership::server {

class work_lane {
 public:
  work_lane(std::string name, boost::asio::thread_pool::executor_type workers, std::size_t limit);
  work_lane(const work_lane&) = delete;
  work_lane& operator=(const work_lane&) = delete;

  // Any thread. False when the lane is full: the work is dropped and counted.
  bool post(std::function<void()> work);
  // For work whose amount is bounded elsewhere and that must not be lost (a device's connection
  // events: one per connection). Counted in queued(), never refused.
  void post_always(std::function<void()> work);

  const std::string& name() const { return name_; }
  std::size_t queued() const { return queued_.load(); }
  std::uint64_t done() const { return done_.load(); }
  std::uint64_t dropped() const { return dropped_.load(); }
  std::uint64_t failed() const { return failed_.load(); }

 private:
  void enqueue(std::function<void()> work);

  std::string name_;
  boost::asio::strand<boost::asio::thread_pool::executor_type> strand_;
  std::size_t limit_;
  std::atomic<std::size_t> queued_{0};
  std::atomic<std::uint64_t> done_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> failed_{0};
};

}  // namespace mothership::server
