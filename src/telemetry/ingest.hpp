#pragma once
// Durable telemetry ingest: messages come in from the broker's threads into a bounded queue;
// one writer thread reads them (payload.hpp) and commits them to the telemetry store in
// batches (batch_policy.hpp). A message that asked for an answer (QoS 1) is answered only
// after the transaction that holds its rows has committed, so an acknowledged row survives a
// kill -9 of the server (SQLite WAL, synchronous=NORMAL: the commit is in the OS before the
// answer; `telemetry.sync_full` also survives power loss, at the cost of an fsync per batch).
//
// Backpressure: past `queue_messages` (or `queue_bytes`) waiting, full() is true; the broker
// then stops reading from the publishers that feed it, and their PUBACKs wait. Messages
// without an answer to wait for (QoS 0) are dropped while full, and counted.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "telemetry/batch_policy.hpp"
#include "telemetry/payload.hpp"
#include "telemetry/telemetry_store.hpp"

namespace mothership::telemetry {

// Who waits for a message to be durable. Opaque here: the broker's deferred acknowledgement.
struct receipt {
  std::weak_ptr<void> owner;
  const void* handle = nullptr;
  std::uint16_t id = 0;
  std::uint8_t qos = 1;
};

struct answer {
  receipt to;
  std::optional<refusal> refused;  // none: stored
};

struct ingest_settings {
  std::size_t batch_rows = 5000;
  std::chrono::milliseconds batch_wait{50};
  std::chrono::milliseconds batch_idle{2};  // commit once the input pauses this long (0: off)
  std::size_t queue_messages = 20000;
  std::size_t queue_bytes = 64 << 20;
  payload_limits limits;
};

struct ingest_stats {
  std::atomic<std::uint64_t> messages{0};      // taken in
  std::atomic<std::uint64_t> rows{0};          // committed
  std::atomic<std::uint64_t> duplicates{0};    // rows already stored (a resend)
  std::atomic<std::uint64_t> refused{0};       // messages refused (bad payload)
  std::atomic<std::uint64_t> dropped_full{0};  // QoS 0 messages dropped while the queue was full
  std::atomic<std::uint64_t> batches{0};
  std::atomic<std::uint64_t> commit_failures{0};
  std::atomic<std::uint64_t> full_events{0};  // times the queue became full
  std::atomic<std::uint64_t> commit_us_total{0};
};

class ingest {
 public:
  // Answers go to `on_answers` from the writer thread, a batch at a time (stored ones after
  // their commit; refusals as soon as they are read).
  using answers_fn = std::function<void(std::vector<answer>&&)>;
  // After each commit, what was stored (the rules engine, live views). Writer thread.
  using stored_fn = std::function<void(const std::vector<device_samples>&)>;

  ingest(telemetry_store& store, ingest_settings settings, answers_fn on_answers);
  ~ingest();
  ingest(const ingest&) = delete;
  ingest& operator=(const ingest&) = delete;

  void on_stored(stored_fn fn) { on_stored_ = std::move(fn); }  // before the first submit

  // Any thread; quick. Returns false when the message was dropped: the queue is full and it
  // has no receipt (QoS 0), or ingest has stopped.
  bool submit(std::string device_id, source from, std::shared_ptr<const std::string> payload, std::int64_t received_at,
              std::optional<receipt> r);
  bool full() const { return full_.load(std::memory_order_relaxed); }
  std::size_t waiting() const;

  // Commits what is queued and ends the writer. Idempotent.
  void stop();

  const ingest_stats& stats() const { return stats_; }
  const ingest_settings& settings() const { return settings_; }

 private:
  struct message {
    std::string device_id;
    source from;
    std::shared_ptr<const std::string> payload;
    std::int64_t received_at;
    std::optional<receipt> r;
  };

  void run();
  void read(std::vector<message>& incoming, std::vector<answer>& refusals);
  void commit();
  void update_full_locked();
  std::int64_t server_time_for(const std::string& device_id, std::int64_t received_at);

  telemetry_store& store_;
  ingest_settings settings_;
  answers_fn on_answers_;
  stored_fn on_stored_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<message> queue_;
  std::size_t waiting_messages_ = 0;  // queued or read but not yet committed
  std::size_t waiting_bytes_ = 0;
  bool stopping_ = false;
  std::atomic<bool> full_{false};

  // Writer thread only.
  batch_policy policy_;
  std::vector<device_samples> batch_;
  std::vector<answer> pending_answers_;
  std::size_t pending_messages_ = 0;
  std::size_t pending_bytes_ = 0;
  // Readings without a device time get the server's, one ms apart per device at least, so two
  // messages in the same millisecond never land on the same (series, ts) row.
  std::unordered_map<std::string, std::int64_t> last_server_ts_;

  ingest_stats stats_;
  std::thread writer_;
};

}  // namespace mothership::telemetry
