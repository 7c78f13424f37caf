#include "api/metrics.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <cstdio>

namespace mothership::api {

void metrics::record_request(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  std::size_t i = 0;
  while (i < bounds.size() && seconds > bounds[i]) ++i;
  ++buckets_[i];
  sum_seconds_ += seconds;
  ++count_;
}

void metrics::add_collector(std::function<void(std::string&)> collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string metrics::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  out += "# HELP mothership_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE mothership_http_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    out += fmt::format("mothership_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", key.first, key.second, n);
  out += "# HELP mothership_http_request_duration_seconds Time from request head to response.\n";
  out += "# TYPE mothership_http_request_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    cumulative += buckets_[i];
    out += fmt::format("mothership_http_request_duration_seconds_bucket{{le=\"{}\"}} {}\n", bounds[i], cumulative);
  }
  out += fmt::format("mothership_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", count_);
  out += fmt::format("mothership_http_request_duration_seconds_sum {}\n", sum_seconds_);
  out += fmt::format("mothership_http_request_duration_seconds_count {}\n", count_);
  out += "# HELP mothership_process_resident_memory_bytes Resident memory of the server process.\n";
  out += "# TYPE mothership_process_resident_memory_bytes gauge\n";
  out += fmt::format("mothership_process_resident_memory_bytes {}\n", resident_memory_bytes());
  for (const auto& collect : collectors_) collect(out);
  return out;
}

std::size_t resident_memory_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long size = 0, resident = 0;
  int n = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  return n == 2 ? resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)) : 0;
}

}  // namespace mothership::api
