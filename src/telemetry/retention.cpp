#include "telemetry/retention.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

namespace mothership::telemetry {

namespace {

constexpr std::int64_t day_ms = 86'400'000;

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

bool key_class::matches(std::string_view key) const {
  if (!pattern.empty() && pattern.back() == '*')
    return key.starts_with(std::string_view(pattern).substr(0, pattern.size() - 1));
  return key == pattern;
}

std::optional<std::vector<key_class>> parse_key_classes(std::string_view text, std::string& error) {
  std::vector<key_class> out;
  while (!trim(text).empty()) {
    auto comma = text.find(',');
    auto item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    auto eq = item.find('=');
    if (eq == std::string_view::npos) {
      error = "'" + std::string(item) + "' is not KEY=DAYS";
      return std::nullopt;
    }
    auto pattern = trim(item.substr(0, eq));
    auto days_text = trim(item.substr(eq + 1));
    int days = 0;
    auto [end, ec] = std::from_chars(days_text.data(), days_text.data() + days_text.size(), days);
    if (pattern.empty() || ec != std::errc() || end != days_text.data() + days_text.size() || days < 1) {
      error = "'" + std::string(item) + "' is not KEY=DAYS with DAYS at least 1";
      return std::nullopt;
    }
    out.push_back({std::string(pattern), days});
  }
  return out;
}

retention::retention(telemetry_store& store, retention_settings settings)
    : store_(store), settings_(std::move(settings)) {
  windows_.raw_ms = settings_.raw_days * day_ms;
  windows_.minute_ms = settings_.minute_days * day_ms;
  windows_.hour_ms = settings_.hour_days * day_ms;
  if (settings_.every.count() == 0) return;
  worker_ = std::thread([this] {
    auto next =
        std::chrono::steady_clock::now() + std::min<std::chrono::seconds>(settings_.every, std::chrono::seconds(60));
    std::unique_lock lock(mutex_);
    while (!wake_.wait_until(lock, next, [this] { return stopping_; })) {
      lock.unlock();
      try {
        auto started = std::chrono::steady_clock::now();
        auto rows = run_pass(
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count());
        if (rows)
          spdlog::info("telemetry retention: deleted {} rows in {} ms", rows,
                       std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
                           .count());
      } catch (const std::exception& e) {
        spdlog::error("telemetry retention failed: {}", e.what());
      }
      lock.lock();
      next = std::chrono::steady_clock::now() + settings_.every;
    }
  });
}

retention::~retention() {
  stop();
}

void retention::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::int64_t retention::raw_cutoff(const std::string& key, std::int64_t now_ms) const {
  for (const auto& c : settings_.classes)
    if (c.matches(key)) return now_ms - c.raw_days * day_ms;
  return now_ms - windows_.raw_ms;
}

std::uint64_t retention::run_pass(std::int64_t now_ms) {
  std::uint64_t deleted = 0;
  const std::pair<resolution, std::int64_t> tables[] = {{resolution::raw, 0},
                                                        {resolution::minute, now_ms - windows_.minute_ms},
                                                        {resolution::hour, now_ms - windows_.hour_ms}};
  for (const auto& [table, cutoff] : tables) {
    std::int64_t after = 0;
    do {
      {
        std::lock_guard lock(mutex_);
        if (stopping_) break;
      }
      after = store_.delete_older(
          table, after, settings_.series_per_step,
          [&, table = table, cutoff = cutoff](const std::string& key) {
            return table == resolution::raw ? raw_cutoff(key, now_ms) : cutoff;
          },
          deleted);
    } while (after != 0);
  }
  deleted_ += deleted;
  ++passes_;
  return deleted;
}

}  // namespace mothership::telemetry
