#pragma once
// Deletes telemetry past its age, in the background: raw samples after `raw_days` (or their
// key class's own: "debug.*=3" keeps debug.* keys 3 days), 1-minute rollups after
// `minute_days`, 1-hour rollups after `hour_days`. It works a few hundred series per
// transaction, so the ingest writer, which shares the database's write lock, waits for it at
// most a short transaction at a time, never for a whole pass.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "telemetry/query_plan.hpp"
#include "telemetry/telemetry_store.hpp"

namespace mothership::telemetry {

struct key_class {
  std::string pattern;  // a key, or a prefix ending in '*'
  int raw_days = 0;
  bool matches(std::string_view key) const;
};

// "debug.*=3, diag.temp=7" -> key classes; the error says what is wrong.
std::optional<std::vector<key_class>> parse_key_classes(std::string_view text, std::string& error);

struct retention_settings {
  int raw_days = 30;
  int minute_days = 90;
  int hour_days = 730;
  std::vector<key_class> classes;
  std::chrono::seconds every{600};
  std::size_t series_per_step = 200;
};

class retention {
 public:
  // Runs a pass `every` (the first a minute after start) until stop(); `every` zero: never
  // on its own (tests call run_pass).
  retention(telemetry_store& store, retention_settings settings);
  ~retention();
  void stop();

  // One pass over every series and table. Returns the rows deleted.
  std::uint64_t run_pass(std::int64_t now_ms);

  const retention_windows& windows() const { return windows_; }
  std::uint64_t deleted() const { return deleted_.load(); }
  std::uint64_t passes() const { return passes_.load(); }

 private:
  std::int64_t raw_cutoff(const std::string& key, std::int64_t now_ms) const;

  telemetry_store& store_;
  retention_settings settings_;
  retention_windows windows_;
  std::atomic<std::uint64_t> deleted_{0};
  std::atomic<std::uint64_t> passes_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace mothership::telemetry
