#include "server/device_telemetry.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/clock.hpp"

namespace mothership::server {

namespace {

// devices/<id>/telemetry | heartbeat | state, from device <id> itself.
std::optional<telemetry::source> source_of(std::string_view topic, const mqtt::identity& who) {
  if (who.what != mqtt::identity::kind::device || !topic.starts_with("devices/")) return std::nullopt;
  topic.remove_prefix(8);
  if (!topic.starts_with(who.name) || topic.size() <= who.name.size() || topic[who.name.size()] != '/')
    return std::nullopt;
  topic.remove_prefix(who.name.size() + 1);
  if (topic == "telemetry") return telemetry::source::telemetry;
  if (topic == "heartbeat") return telemetry::source::heartbeat;
  if (topic == "state") return telemetry::source::state;
  return std::nullopt;
}

telemetry::retention_settings retention_settings_of(const common::telemetry_config& cfg) {
  telemetry::retention_settings r;
  r.raw_days = cfg.raw_days;
  r.minute_days = cfg.minute_days;
  r.hour_days = cfg.hour_days;
  r.every = std::chrono::seconds(cfg.retention_interval_s);
  std::string error;
  auto classes = telemetry::parse_key_classes(cfg.key_classes, error);
  if (!classes) throw std::runtime_error("telemetry.key_classes: " + error);
  r.classes = std::move(*classes);
  return r;
}

mqtt::reason_code reason_for(const telemetry::refusal& r) {
  return r.what == telemetry::refusal::kind::over_limit ? mqtt::reason_code::quota_exceeded
                                                        : mqtt::reason_code::payload_format_invalid;
}

}  // namespace

telemetry::ingest_settings ingest_settings_of(const common::telemetry_config& cfg) {
  telemetry::ingest_settings s;
  s.batch_rows = static_cast<std::size_t>(cfg.batch_rows);
  s.batch_wait = std::chrono::milliseconds(cfg.batch_ms);
  s.batch_idle = std::chrono::milliseconds(cfg.batch_idle_ms);
  s.queue_messages = static_cast<std::size_t>(cfg.queue_messages);
  s.queue_bytes = static_cast<std::size_t>(cfg.queue_bytes);
  s.limits.max_keys = static_cast<std::size_t>(cfg.max_keys);
  s.limits.max_batch = static_cast<std::size_t>(cfg.max_batch);
  s.limits.max_key_length = static_cast<std::size_t>(cfg.max_key_length);
  s.limits.max_string_bytes = static_cast<std::size_t>(cfg.max_string_bytes);
  s.limits.max_future_ms = std::int64_t{cfg.max_future_s} * 1000;
  s.limits.max_age_ms = std::int64_t{cfg.raw_days} * 86'400'000;
  return s;
}

// What the broker calls for every authorised PUBLISH (under its lock: quick, no blocking).
class device_telemetry::tap final : public mqtt::publish_tap {
 public:
  explicit tap(telemetry::ingest& in) : ingest_(in) {}

  decision offer(const mqtt::message_ptr& m, const mqtt::identity& who, const mqtt::tapped_ack* ack) override {
    auto from = source_of(m->topic, who);
    if (!from) return {};
    const auto now = common::now_ms();
    if (*from == telemetry::source::heartbeat && heard) heard(who.name, now);
    if (*from != telemetry::source::telemetry) {
      // Heartbeats and state are kept too, but answered as any message: they carry the
      // device's own protocol, not only measurements.
      ingest_.submit(who.name, *from, m->payload, now, std::nullopt);
      return {verdict::accepted};
    }
    std::optional<telemetry::receipt> r;
    if (ack) r = telemetry::receipt{ack->to, ack->via, ack->packet_id, static_cast<std::uint8_t>(ack->qos)};
    // QoS 0 while full is dropped here (and counted); it is still delivered to subscribers.
    ingest_.submit(who.name, *from, m->payload, now, std::move(r));
    return {ack ? verdict::deferred : verdict::accepted};
  }
  bool full() const override { return ingest_.full(); }

  heartbeat_fn heard;  // set before the tap is attached

 private:
  telemetry::ingest& ingest_;
};

void device_telemetry::on_heartbeat(heartbeat_fn fn) {
  tap_->heard = std::move(fn);
}

device_telemetry::device_telemetry(const common::config& cfg, const data_dir& dir)
    : db_(dir.telemetry_database(), 3, storage::telemetry_sqlite_migrations(), cfg.telemetry.sync_full),
      store_(db_),
      ingest_(store_, ingest_settings_of(cfg.telemetry),
              [this](std::vector<telemetry::answer>&& answers) {
                auto* b = broker_.load();
                if (!b) return;
                std::vector<mqtt::tapped_outcome> done;
                done.reserve(answers.size());
                for (auto& a : answers) {
                  mqtt::tapped_outcome o;
                  o.ack.to = std::static_pointer_cast<mqtt::session>(a.to.owner.lock());
                  o.ack.via = static_cast<const mqtt::session_sink*>(a.to.handle);
                  o.ack.packet_id = a.to.id;
                  o.ack.qos = static_cast<mqtt::qos>(a.to.qos);
                  if (a.refused) {
                    o.reason = reason_for(*a.refused);
                    o.reason_string = std::move(a.refused->reason);
                  }
                  done.push_back(std::move(o));
                }
                b->acknowledge_tapped(done);
              }),
      tap_(std::make_unique<tap>(ingest_)),
      retention_(store_, retention_settings_of(cfg.telemetry)) {}

device_telemetry::~device_telemetry() {
  detach();
}

void device_telemetry::attach(mqtt::broker& b) {
  broker_ = &b;
  b.set_tap(tap_.get());
}

void device_telemetry::start_fleet_sampler(std::function<fleet_sample()> sample, std::chrono::seconds every) {
  sampler_ = std::thread([this, sample = std::move(sample), every] {
    std::optional<std::uint64_t> last_total;
    std::unique_lock lock(sampler_mutex_);
    do {
      lock.unlock();
      try {
        auto now = sample();
        // Messages over the last interval, scaled to a minute; nothing for the first sample.
        std::string payload = fmt::format("{{\"devices_online\": {}", now.devices_online);
        if (last_total && now.messages_received_total >= *last_total)
          payload += fmt::format(", \"messages_per_minute\": {}",
                                 static_cast<double>(now.messages_received_total - *last_total) * 60.0 /
                                     static_cast<double>(every.count()));
        payload += "}";
        last_total = now.messages_received_total;
        ingest_.submit(fleet_series, telemetry::source::telemetry, std::make_shared<const std::string>(payload),
                       common::now_ms(), std::nullopt);
      } catch (const std::exception& e) {
        spdlog::warn("fleet telemetry sample failed: {}", e.what());
      }
      lock.lock();
    } while (!sampler_wake_.wait_for(lock, every, [this] { return sampler_stopping_; }));
  });
}

void device_telemetry::detach() {
  {
    std::lock_guard lock(sampler_mutex_);
    sampler_stopping_ = true;
  }
  sampler_wake_.notify_all();
  if (sampler_.joinable()) sampler_.join();
  if (auto* b = broker_.load()) b->set_tap(nullptr);
  ingest_.stop();  // commits and answers what is queued, while the broker is still there
  broker_ = nullptr;
  retention_.stop();
}

void device_telemetry::write_metrics(std::string& out) const {
  const auto& s = ingest_.stats();
  auto line = [&](const char* name, const char* type, auto value) {
    out += fmt::format("# TYPE mothership_telemetry_{} {}\nmothership_telemetry_{} {}\n", name, type, name, value);
  };
  line("messages_total", "counter", s.messages.load());
  line("rows_total", "counter", s.rows.load());
  line("duplicate_rows_total", "counter", s.duplicates.load());
  line("refused_total", "counter", s.refused.load());
  line("dropped_queue_full_total", "counter", s.dropped_full.load());
  line("batches_total", "counter", s.batches.load());
  line("commit_failures_total", "counter", s.commit_failures.load());
  line("commit_seconds_total", "counter", static_cast<double>(s.commit_us_total.load()) / 1e6);
  line("queue_full_events_total", "counter", s.full_events.load());
  line("queue_waiting", "gauge", ingest_.waiting());
  line("queue_full", "gauge", ingest_.full() ? 1 : 0);
  line("retention_deleted_rows_total", "counter", retention_.deleted());
}

}  // namespace mothership::server
