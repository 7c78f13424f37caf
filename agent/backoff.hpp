#pragma once
// Reconnect backoff: exponential with jitter, so that a fleet that lost its server at once does
// not come back at once. Each wait is a random 50-100 % of min * 2^failures, capped at max.

#include <chrono>
#include <random>

namespace mothership::agent {

class backoff {
 public:
  backoff(std::chrono::milliseconds min, std::chrono::milliseconds max, std::uint64_t seed = std::random_device{}())
      : min_(min), max_(max), random_(seed) {}

  // The wait before the next attempt; each call counts one more failure.
  std::chrono::milliseconds next();
  // After a connection that worked: the next failure waits about `min` again.
  void reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  std::chrono::milliseconds min_;
  std::chrono::milliseconds max_;
  std::mt19937_64 random_;
  int failures_ = 0;
};

}  // namespace mothership::agent
