#include "telemetry/ingest.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace mothership::telemetry {

ingest::ingest(telemetry_store& store, ingest_settings settings, answers_fn on_answers)
    : store_(store),
      settings_(settings),
      on_answers_(std::move(on_answers)),
      policy_(settings.batch_rows, settings.batch_wait, settings.batch_idle),
      writer_([this] { run(); }) {}

ingest::~ingest() {
  stop();
}

void ingest::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable() && writer_.get_id() != std::this_thread::get_id()) writer_.join();
}

std::size_t ingest::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_messages_;
}

void ingest::update_full_locked() {
  bool now_full = waiting_messages_ >= settings_.queue_messages || waiting_bytes_ >= settings_.queue_bytes;
  if (now_full && !full_.load(std::memory_order_relaxed)) ++stats_.full_events;
  full_.store(now_full, std::memory_order_relaxed);
}

bool ingest::submit(std::string device_id, source from, std::shared_ptr<const std::string> payload,
                    std::int64_t received_at, std::optional<receipt> r) {
  const std::size_t bytes = payload ? payload->size() : 0;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    // Past the bound only what waits for an answer is taken: its publisher is held back
    // (full()), so the excess is at most one message per publishing connection.
    if (!r && full_.load(std::memory_order_relaxed)) {
      ++stats_.dropped_full;
      return false;
    }
    queue_.push_back({std::move(device_id), from, std::move(payload), received_at, std::move(r)});
    ++waiting_messages_;
    waiting_bytes_ += bytes;
    update_full_locked();
  }
  ++stats_.messages;
  wake_.notify_one();
  return true;
}

std::int64_t ingest::server_time_for(const std::string& device_id, std::int64_t received_at) {
  auto& last = last_server_ts_[device_id];
  last = std::max(received_at, last + 1);
  return last;
}

void ingest::read(std::vector<message>& incoming, std::vector<answer>& refusals) {
  for (auto& m : incoming) {
    auto parsed = parse_payload(m.from, m.payload ? std::string_view(*m.payload) : std::string_view(), m.received_at,
                                settings_.limits, server_time_for(m.device_id, m.received_at));
    ++pending_messages_;
    pending_bytes_ += m.payload ? m.payload->size() : 0;
    if (auto* refused = std::get_if<refusal>(&parsed)) {
      ++stats_.refused;
      if (m.r) refusals.push_back({std::move(*m.r), std::move(*refused)});
      policy_.added(0, std::chrono::steady_clock::now());
      continue;
    }
    auto& samples = std::get<std::vector<sample>>(parsed);
    policy_.added(samples.size(), std::chrono::steady_clock::now());
    if (!samples.empty()) {
      // Consecutive messages of one device share an entry (a device's batch of readings).
      if (batch_.empty() || batch_.back().device_id != m.device_id)
        batch_.push_back({std::move(m.device_id), std::move(samples)});
      else
        std::move(samples.begin(), samples.end(), std::back_inserter(batch_.back().samples));
    }
    if (m.r) pending_answers_.push_back({std::move(*m.r), std::nullopt});
  }
  incoming.clear();
}

void ingest::commit() {
  if (!batch_.empty()) {
    // A failed commit (disk full, database locked by someone else) is tried again, with the
    // same rows, until it works: the messages are acknowledged only then, and the queue's
    // bound holds their publishers back meanwhile.
    for (int attempt = 0;; ++attempt) {
      try {
        auto started = std::chrono::steady_clock::now();
        std::size_t total = 0;
        for (const auto& d : batch_) total += d.samples.size();
        std::size_t stored = store_.append(batch_);
        stats_.commit_us_total += static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count());
        stats_.rows += stored;
        stats_.duplicates += total - stored;
        ++stats_.batches;
        break;
      } catch (const std::exception& e) {
        ++stats_.commit_failures;
        bool give_up;
        {
          std::lock_guard lock(mutex_);
          give_up = stopping_ && attempt >= 5;
        }
        if (attempt == 0 || attempt % 50 == 0)
          spdlog::error("telemetry: committing {} devices' samples failed ({}); trying again", batch_.size(), e.what());
        if (give_up) {
          // Unacknowledged: the devices send these again after the restart.
          spdlog::error("telemetry: stopping with {} messages uncommitted", pending_messages_);
          pending_answers_.clear();
          batch_.clear();
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min(5000, 50 << std::min(attempt, 6))));
      }
    }
    if (on_stored_ && !batch_.empty()) on_stored_(batch_);
  }
  if (!pending_answers_.empty()) on_answers_(std::move(pending_answers_));
  pending_answers_.clear();
  batch_.clear();
  policy_.committed();
  {
    std::lock_guard lock(mutex_);
    waiting_messages_ -= pending_messages_;
    waiting_bytes_ -= pending_bytes_;
    update_full_locked();
  }
  pending_messages_ = 0;
  pending_bytes_ = 0;
}

void ingest::run() {
  std::vector<message> incoming;
  std::vector<answer> refusals;
  for (;;) {
    bool stopping;
    {
      std::unique_lock lock(mutex_);
      if (queue_.empty() && !stopping_) {
        if (auto deadline = policy_.deadline())
          wake_.wait_until(lock, *deadline, [this] { return !queue_.empty() || stopping_; });
        else
          wake_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      }
      incoming.swap(queue_);
      stopping = stopping_;
    }
    read(incoming, refusals);
    if (!refusals.empty()) on_answers_(std::move(refusals));
    refusals.clear();
    if (policy_.due(std::chrono::steady_clock::now()) || (stopping && policy_.waiting())) commit();
    if (stopping) {
      std::lock_guard lock(mutex_);
      if (queue_.empty() && !policy_.waiting()) return;
    }
  }
}

}  // namespace mothership::telemetry
