#pragma once
// A bounded pool of threads for blocking work (database calls, password hashing), so that no
// such call ever runs on an I/O thread. Coroutines `co_await pool.run(fn)` and resume on their
// own executor with fn's result, or with the exception fn threw.
#include <atomic>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>

namespace mothership::common {

// Thrown by run() when the queue is full: callers answer 503 instead of queueing without end.
// The server has no room for the work now (a full queue, no file descriptor left): answered
// 503 with Retry-After, so the client asks again, rather than as a failure.
struct overloaded_error : std::runtime_error {
  explicit overloaded_error(const std::string& what = "worker pool queue is full") : std::runtime_error(what) {}
};

class worker_pool {
 public:
  worker_pool(int threads, int queue_limit) : pool_(threads), threads_(threads), queue_limit_(queue_limit) {}
  ~worker_pool() { stop(); }
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;

  template <class R>
  boost::asio::awaitable<R> run(std::function<R()> fn) {
    if (pending_.fetch_add(1) >= queue_limit_) {
      pending_.fetch_sub(1);
      throw overloaded_error();
    }
    std::optional<R> result = co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable),
                                                                   void(std::exception_ptr, std::optional<R>)>(
        initiate<R>{this}, boost::asio::use_awaitable, std::move(fn));
    co_return std::move(*result);
  }

  void stop() { pool_.join(); }

  // For work that must run in order (a strand over the pool): not counted against the queue
  // limit, so use it only for work whose amount is bounded elsewhere.
  boost::asio::thread_pool::executor_type executor() { return pool_.get_executor(); }

  int threads() const { return threads_; }
  int pending() const { return pending_.load(); }  // queued + running
  int busy() const { return busy_.load(); }

 private:
  template <class R>
  struct initiate {
    worker_pool* self;
    template <class Handler>
    void operator()(Handler handler, std::function<R()> fn) const {
      auto ex = boost::asio::get_associated_executor(handler);
      worker_pool* pool = self;
      boost::asio::post(pool->pool_, [pool, ex, handler = std::move(handler), fn = std::move(fn)]() mutable {
        std::exception_ptr error;
        std::optional<R> result;
        pool->busy_.fetch_add(1);
        try {
          result.emplace(fn());
        } catch (...) {
          error = std::current_exception();
        }
        pool->busy_.fetch_sub(1);
        pool->pending_.fetch_sub(1);
        boost::asio::post(ex, [handler = std::move(handler), error, result = std::move(result)]() mutable {
          std::move(handler)(error, std::move(result));
        });
      });
    }
  };

  boost::asio::thread_pool pool_;
  int threads_;
  int queue_limit_;
  std::atomic<int> pending_{0};
  std::atomic<int> busy_{0};
};

}  // namespace mothership::common
