#pragma once
// The telemetry side of `serve`, wired in one place: its own database file, the store and
// the ingest pipeline, fed by the broker through a publish tap (the message as decoded, no
// copy), with PUBACKs sent back through the broker once rows are durable; the background
// retention; and the metrics.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/config.hpp"
#include "mqtt/broker/broker.hpp"
#include "server/data_dir.hpp"
#include "storage/sqlite/sqlite_database.hpp"
#include "telemetry/ingest.hpp"
#include "telemetry/retention.hpp"
#include "telemetry/telemetry_store.hpp"

namespace mothership::server {

class device_telemetry {
 public:
  device_telemetry(const common::config& cfg, const data_dir& dir);
  ~device_telemetry();

  // Told of every heartbeat a device sends (the broker's thread; quick). Before attach().
  using heartbeat_fn = std::function<void(const std::string& device_id, std::int64_t at_ms)>;
  void on_heartbeat(heartbeat_fn fn);

  // From now on the broker hands devices' telemetry, heartbeats and state to ingest.
  void attach(mqtt::broker& b);
  // Before the broker goes: no more messages; what is queued is committed and answered.
  void detach();

  // Once a minute: the fleet's own series under the device id "$fleet" (devices online,
  // MQTT messages received in the minute), kept like any device's telemetry, for the
  // dashboard's charts. `sample` is called on the sampler's thread.
  struct fleet_sample {
    std::int64_t devices_online = 0;
    std::uint64_t messages_received_total = 0;
  };
  void start_fleet_sampler(std::function<fleet_sample()> sample, std::chrono::seconds every = std::chrono::seconds(60));
  static constexpr const char* fleet_series = "$fleet";

  telemetry::telemetry_store& store() { return store_; }
  telemetry::ingest& ingest() { return ingest_; }
  const telemetry::retention_windows& windows() const { return retention_.windows(); }
  void write_metrics(std::string& out) const;

 private:
  class tap;

  storage::sqlite_database db_;
  telemetry::telemetry_store store_;
  std::atomic<mqtt::broker*> broker_{nullptr};
  telemetry::ingest ingest_;
  std::unique_ptr<tap> tap_;
  telemetry::retention retention_;
  std::mutex sampler_mutex_;
  std::condition_variable sampler_wake_;
  bool sampler_stopping_ = false;
  std::thread sampler_;
};

telemetry::ingest_settings ingest_settings_of(const common::telemetry_config& cfg);

}  // namespace mothership::server
