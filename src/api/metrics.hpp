#pragma once
// Prometheus metrics for the HTTP side: requests by route and status, a latency histogram,
// and gauges sampled at scrape time (process memory, database and worker pools).
#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace mothership::api {

class metrics {
 public:
  // route: the route pattern ("GET /api/v1/users/{id}"), never the raw path, so that
  // the number of series stays bounded.
  void record_request(const std::string& route, int status, double seconds);

  // Extra text appended at scrape time by other modules (gauges they own).
  void add_collector(std::function<void(std::string&)> collector);

  std::string render() const;

 private:
  static constexpr std::array<double, 12> bounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                    0.05,   0.1,   0.25,   0.5,   1.0,  5.0};
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::array<std::uint64_t, bounds.size() + 1> buckets_{};
  double sum_seconds_ = 0;
  std::uint64_t count_ = 0;
  std::vector<std::function<void(std::string&)>> collectors_;
};

// Resident set size of this process in bytes (from /proc/self/statm).
std::size_t resident_memory_bytes();

}  // namespace mothership::api
