#include "idle_connections.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <fstream>
#include <memory>
#include <vector>

#include "mqtt/client/mqtt_client.hpp"

namespace mothership::bench {

namespace {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

struct idle_state {
  int connecting = 0;
  int opened = 0;
  int failures = 0;
  std::string first_error;

  void fail(std::string what) {
    if (failures++ == 0) first_error = std::move(what);
  }
};

asio::awaitable<void> open_connection(mqtt::client* c, mqtt::client_options options, idle_state* st) {
  try {
    auto ack = co_await c->connect(options);
    if (ack.reason == mqtt::reason_code::success)
      ++st->opened;
    else
      st->fail("CONNACK refused: reason " + std::to_string(static_cast<int>(ack.reason)));
  } catch (const std::exception& e) {
    st->fail(e.what());
  }
  --st->connecting;
}

}  // namespace

std::optional<long> resident_kb(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      long kb = 0;
      status >> kb;
      return kb;
    }
    status.ignore(1 << 16, '\n');
  }
  return std::nullopt;
}

idle_result run_idle_connections(const idle_shape& shape, const std::function<void(int)>& progress) {
  idle_result result;
  idle_state st;
  asio::io_context io(1);
  std::vector<std::unique_ptr<mqtt::client>> clients;
  mqtt::client_options options;
  options.host = shape.host;
  options.port = shape.port;
  options.keep_alive_s = 0;
  if (shape.tls) options.tls = mqtt::tls_options{.verify = false};

  result.rss_before_kb = resident_kb(shape.broker_pid).value_or(0);
  auto last_report = steady::now();
  // Opens connections until `target` are open, or too many attempts failed to keep trying.
  auto open_up_to = [&](int target) {
    while ((st.opened + st.connecting < target && st.failures < 100) || st.connecting > 0) {
      while (st.connecting < shape.concurrency && st.opened + st.connecting < target && st.failures < 100) {
        auto& c = clients.emplace_back(std::make_unique<mqtt::client>(io.get_executor()));
        options.client_id = "idle-" + std::to_string(clients.size());
        ++st.connecting;
        asio::co_spawn(io, open_connection(c.get(), options, &st), asio::detached);
      }
      if (io.stopped()) io.restart();
      io.run_one_for(std::chrono::milliseconds(100));
      if (steady::now() - last_report > std::chrono::seconds(1)) {
        progress(st.opened);
        last_report = steady::now();
      }
    }
  };
  auto settle = [&](double seconds) {
    if (io.stopped()) io.restart();
    io.run_for(std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(seconds)));
  };

  auto started = steady::now();
  open_up_to(shape.measure_at);
  result.connect_per_s = st.opened / std::chrono::duration<double>(steady::now() - started).count();
  settle(shape.settle_seconds);
  result.measured_connections = st.opened;
  result.rss_measured_kb = resident_kb(shape.broker_pid).value_or(0);
  if (st.opened > 0) result.bytes_per_connection = (result.rss_measured_kb - result.rss_before_kb) * 1024.0 / st.opened;

  open_up_to(shape.hold);
  progress(st.opened);
  settle(shape.hold_seconds);
  result.opened = st.opened;
  for (auto& c : clients) result.held += c->connected() ? 1 : 0;
  result.failures = st.failures;
  result.first_error = st.first_error;

  for (auto& c : clients) c->close();
  settle(1);  // the clients' coroutines see their sockets closed and end
  return result;
}

}  // namespace mothership::bench
