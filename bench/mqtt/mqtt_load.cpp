// MQTT load generator on the project's client: fan-in (N publishers -> 1 subscriber on "#").
// Publishers send 64-byte messages carrying (publisher, sequence) as fast as the broker lets
// them for a fixed time; the subscriber counts what arrives and, for QoS 1, which sequence
// numbers are missing. Prints one JSON line with the figures.
#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "mqtt/client/mqtt_client.hpp"

namespace asio = boost::asio;
using namespace mothership;

namespace {

struct run_config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;
  int publishers = 10;
  int qos = 0;
  double seconds = 5;
  std::size_t payload = 64;
};

struct totals {
  std::vector<std::uint64_t> sent;
  std::vector<std::vector<bool>> seen;  // [publisher][sequence], QoS 1 loss accounting
  std::uint64_t received = 0;
  bool stop = false;
  bool subscribed = false;
};

std::string make_payload(std::uint32_t publisher, std::uint32_t seq, std::size_t size) {
  std::string p(std::max<std::size_t>(size, 8), 'x');
  std::memcpy(p.data(), &publisher, 4);
  std::memcpy(p.data() + 4, &seq, 4);
  return p;
}

asio::awaitable<void> subscriber(run_config cfg, totals* t) {
  mqtt::client c(co_await asio::this_coro::executor);
  c.on_message([t](const mqtt::publish& p) {
    ++t->received;
    if (p.payload.size() < 8) return;
    std::uint32_t who, seq;
    std::memcpy(&who, p.payload.data(), 4);
    std::memcpy(&seq, p.payload.data() + 4, 4);
    if (who < t->seen.size()) {
      auto& s = t->seen[who];
      if (seq >= s.size()) s.resize(seq + 1 + s.size(), false);
      s[seq] = true;
    }
  });
  mqtt::client_options options;
  options.host = cfg.host;
  options.port = cfg.port;
  options.client_id = "load-sub";
  options.max_in_flight = 1000;
  co_await c.connect(options);
  std::vector<std::string> filters{"load/#"};
  co_await c.subscribe(filters, static_cast<mqtt::qos>(cfg.qos));
  t->subscribed = true;
  asio::steady_timer wait(co_await asio::this_coro::executor);
  while (!t->stop) {
    wait.expires_after(std::chrono::milliseconds(50));
    co_await wait.async_wait(asio::use_awaitable);
  }
  // Let in-flight deliveries arrive.
  wait.expires_after(std::chrono::seconds(2));
  co_await wait.async_wait(asio::use_awaitable);
  co_await c.disconnect();
}

asio::awaitable<void> publisher(run_config cfg, int index, totals* t) {
  mqtt::client c(co_await asio::this_coro::executor);
  mqtt::client_options options;
  options.host = cfg.host;
  options.port = cfg.port;
  options.client_id = "load-pub-" + std::to_string(index);
  co_await c.connect(options);
  std::string topic = "load/" + std::to_string(index);
  std::uint32_t seq = 0;
  asio::steady_timer yield(co_await asio::this_coro::executor);
  while (!t->stop) {
    co_await c.publish(topic, make_payload(index, seq++, cfg.payload), static_cast<mqtt::qos>(cfg.qos));
    ++t->sent[index];
    if (seq % 64 == 0) {  // let the other publishers and the subscriber run
      yield.expires_after(std::chrono::seconds(0));
      co_await yield.async_wait(asio::use_awaitable);
    }
  }
  co_await c.drain();
  co_await c.disconnect();
}

}  // namespace

int main(int argc, char** argv) {
  run_config cfg;
  CLI::App app{"MQTT fan-in load generator"};
  app.add_option("--host", cfg.host);
  app.add_option("--port", cfg.port)->required();
  app.add_option("--publishers", cfg.publishers);
  app.add_option("--qos", cfg.qos)->check(CLI::Range(0, 1));
  app.add_option("--seconds", cfg.seconds);
  app.add_option("--payload", cfg.payload);
  CLI11_PARSE(app, argc, argv);

  asio::io_context io(1);
  totals t;
  t.sent.assign(cfg.publishers, 0);
  t.seen.resize(cfg.publishers);
  asio::co_spawn(io, subscriber(cfg, &t), asio::detached);
  while (!t.subscribed) io.run_one();
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < cfg.publishers; ++i) asio::co_spawn(io, publisher(cfg, i, &t), asio::detached);
  asio::steady_timer stop_timer(io, std::chrono::milliseconds(static_cast<int>(cfg.seconds * 1000)));
  stop_timer.async_wait([&](auto) { t.stop = true; });
  std::uint64_t received_at_stop = 0;
  io.run_until(std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int>(cfg.seconds * 1000)));
  received_at_stop = t.received;
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  io.run();

  std::uint64_t sent = 0, lost = 0;
  for (int i = 0; i < cfg.publishers; ++i) {
    sent += t.sent[i];
    if (cfg.qos == 1)
      for (std::uint64_t s = 0; s < t.sent[i]; ++s)
        if (s >= t.seen[i].size() || !t.seen[i][s]) ++lost;
  }
  std::printf(
      "{\"publishers\":%d,\"qos\":%d,\"seconds\":%.2f,\"sent\":%llu,\"received\":%llu,"
      "\"delivered_per_s\":%.0f,\"lost\":%llu}\n",
      cfg.publishers, cfg.qos, elapsed, static_cast<unsigned long long>(sent),
      static_cast<unsigned long long>(t.received), received_at_stop / elapsed, static_cast<unsigned long long>(lost));
  return 0;
}
