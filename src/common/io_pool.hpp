#pragma once
// One io_context per I/O thread. A connection lives on one context for its whole life, so
// its coroutine never needs a strand and never wakes another thread; new connections are
// spread round-robin. (One shared io_context with strands spent a third of its time in
// cross-thread wake-ups under load: see docs/benchmarks.md.)
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>
#include <vector>

namespace mothership::common {

class io_pool {
 public:
  explicit io_pool(int threads) {
    for (int i = 0; i < threads; ++i) contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
  }
  // Last to first: objects that outlive their connections (the listener) belong to the
  // first context, and must find its services alive while the others' coroutines unwind.
  ~io_pool() {
    guards_.clear();
    while (!contexts_.empty()) contexts_.pop_back();
  }
  io_pool(const io_pool&) = delete;
  io_pool& operator=(const io_pool&) = delete;

  boost::asio::io_context& main() { return *contexts_.front(); }
  boost::asio::io_context& next() {
    return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
  }
  std::size_t size() const { return contexts_.size(); }

  // Runs every context on its own thread; the calling thread runs the first. Returns after stop().
  void run() {
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < contexts_.size(); ++i) threads.emplace_back([ctx = contexts_[i].get()] { ctx->run(); });
    contexts_.front()->run();
    for (auto& t : threads) t.join();
  }

  // Keeps contexts with no pending work (an idle server) running until stop().
  void hold() {
    for (auto& c : contexts_) guards_.emplace_back(boost::asio::make_work_guard(*c));
  }

  void stop() {
    for (auto& c : contexts_) c->stop();
  }

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace mothership::common
