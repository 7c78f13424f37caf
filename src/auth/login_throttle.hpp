#pragma once
// Slows down password guessing. Failures are counted per account and per source address;
// past a few free failures each further one doubles the wait (1 s, 2 s, 4 s ... up to a cap),
// and a login inside the wait is refused with its remaining time (HTTP 429 + Retry-After)
// before any password work is done. Counts fade after an hour without failures.
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace mothership::auth {

class login_throttle {
 public:
  using clock = std::chrono::steady_clock;

  login_throttle(int free_failures, int max_delay_s) : free_failures_(free_failures), max_delay_s_(max_delay_s) {}

  // Seconds to wait before this attempt may proceed; 0 = go ahead.
  int retry_after(const std::string& username, const std::string& source, clock::time_point now = clock::now());
  void record_failure(const std::string& username, const std::string& source, clock::time_point now = clock::now());
  void record_success(const std::string& username);

 private:
  struct counter {
    int failures = 0;
    clock::time_point last_failure{};
  };
  int wait_for(const counter& c, int free, clock::time_point now) const;
  void prune(clock::time_point now);

  // An address may fail more often than one account: many people can share one NAT.
  static constexpr int source_multiplier = 4;
  static constexpr std::size_t max_entries = 100000;

  int free_failures_;
  int max_delay_s_;
  std::mutex mutex_;
  std::unordered_map<std::string, counter> accounts_;
  std::unordered_map<std::string, counter> sources_;
};

}  // namespace mothership::auth
