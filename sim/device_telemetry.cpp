// simulated_device's telemetry (simulated_device.hpp): when it sends, and what it does when the
// server is slow to acknowledge. The values come from telemetry_model, the JSON from
// telemetry_message.
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "simulated_device.hpp"
#include "telemetry_message.hpp"
#include "telemetry_model.hpp"

namespace mothership::sim {

namespace asio = boost::asio;

namespace {

// How far the server may fall behind a device before it stops adding to the pile: the server
// acknowledges telemetry only once it is stored and slows down its writers when it cannot keep
// up, and a device that kept sending would only lengthen the queue it waits in.
constexpr auto acknowledgement_patience = std::chrono::seconds(30);

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::chrono::seconds uptime(std::chrono::steady_clock::time_point booted) {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - booted);
}

std::string message_of(const std::vector<timed_reading>& batch) {
  return batch.size() == 1 ? telemetry_object(batch.front().values) : telemetry_batch(batch);
}

}  // namespace

asio::awaitable<void> simulated_device::run_telemetry() {
  if (settings_.telemetry_interval_s <= 0) co_return;
  telemetry_model model(settings_.seed, index_, settings_.fault_rate_per_hour);
  const auto interval = std::chrono::milliseconds(std::chrono::seconds(settings_.telemetry_interval_s));
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<std::int64_t> phase_ms(0, interval.count() - 1);
  const std::string topic = "devices/" + device_id_ + "/telemetry";
  const auto batch_size = static_cast<std::size_t>(std::max(1, settings_.telemetry_batch));
  std::vector<timed_reading> batch;

  asio::steady_timer timer(executor_);
  auto next = std::chrono::steady_clock::now() + std::chrono::milliseconds(phase_ms(random));
  while (!stopped_ && client_ && client_->connected()) {
    timer.expires_at(next);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    // Behind the schedule (a stalled thread): the next reading an interval from now, no burst.
    next = std::max(next + interval, std::chrono::steady_clock::now());
    if (stopped_ || !client_->connected()) break;
    // The model moves on whether or not this reading goes out, so the values stay continuous.
    auto reading = model.reading_at(uptime(booted_));
    count_acknowledged();
    if (!unacknowledged_.empty() &&
        std::chrono::steady_clock::now() - unacknowledged_.front().sent > acknowledgement_patience) {
      ++telemetry_.skipped;
      continue;
    }
    batch.push_back({unix_ms_now(), reading});
    if (batch.size() < batch_size) continue;
    auto payload = message_of(batch);
    batch.clear();
    auto number = co_await publish_at_least_once(topic, std::move(payload));
    unacknowledged_.push_back({number, std::chrono::steady_clock::now()});
    ++telemetry_.sent;
  }
}

void simulated_device::count_acknowledged() {
  const auto acknowledged = client_ ? client_->acknowledged() : 0;
  while (!unacknowledged_.empty() && unacknowledged_.front().number <= acknowledged) {
    unacknowledged_.pop_front();
    ++telemetry_.acknowledged;
  }
}

telemetry_counts simulated_device::telemetry() const {
  telemetry_counts counts = telemetry_;
  const auto acknowledged = client_ ? client_->acknowledged() : 0;
  for (const auto& m : unacknowledged_) counts.acknowledged += m.number <= acknowledged ? 1 : 0;
  return counts;
}

}  // namespace mothership::sim
