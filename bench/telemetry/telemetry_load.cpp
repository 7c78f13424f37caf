// Telemetry load for bench/telemetry/run (release build; not a test). Prints one JSON object
// on stdout, progress on stderr.
//
//   telemetry_load ingest --port P --ca CA --devices FILE --state-dir DIR [--batch 100]
//                         [--seconds 10] [--in-flight 32] [--topic telemetry|events]
//     Onboarded devices (FILE: "serial device_id" lines; DIR: the simulator's <serial>.key and
//     <serial>.crt) connect with mutual TLS and publish QoS 1 batches of `batch` readings as
//     fast as the server acknowledges them; rows per second counts only PUBACKed rows, and with
//     --topic telemetry a PUBACK means the rows are committed. --topic events sends the same
//     messages to devices/<id>/events, which the broker acknowledges without ingest: the
//     broker's own rate next to it.
//
//   telemetry_load sqlite --file F --rows N [--batch 5000] [--series 20]
//     The raw SQLite bulk-insert rate of the same rows into a table with the same key as
//     telemetry_samples ((series, ts), WITHOUT ROWID), WAL and synchronous=NORMAL as the
//     server's, one transaction per `batch` rows: the ceiling ingest is measured against.
#include <sqlite3.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "mqtt/client/mqtt_client.hpp"

namespace asio = boost::asio;
namespace json = boost::json;
using namespace mothership;
using steady = std::chrono::steady_clock;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct ingest_shape {
  std::uint16_t port = 0;
  std::string ca, devices_file, state_dir, topic = "telemetry";
  int batch = 100, seconds = 10, in_flight = 32, threads = 2;
  // History instead of a timed run: readings every `step_ms` from `history_days` ago to now.
  int history_days = 0, step_ms = 1000;
};

struct device_entry {
  std::string serial, id;
};

// A batch of `n` readings `step` ms apart from `first_ts`, a temperature each.
std::string batch_payload(std::int64_t first_ts, int n, std::uint64_t seq, std::int64_t step) {
  std::string out = "[";
  char buf[96];
  for (int i = 0; i < n; ++i) {
    int len =
        std::snprintf(buf, sizeof buf, "%s{\"ts\":%lld,\"values\":{\"temperature\":%.2f}}", i ? "," : "",
                      static_cast<long long>(first_ts + i * step), 20.0 + static_cast<double>((seq + i) % 1000) / 100);
    out.append(buf, static_cast<std::size_t>(len));
  }
  return out + "]";
}

json::object run_ingest(const ingest_shape& shape) {
  std::vector<device_entry> devices;
  {
    std::ifstream in(shape.devices_file);
    device_entry d;
    while (in >> d.serial >> d.id) devices.push_back(d);
  }
  if (devices.empty()) throw std::runtime_error("no devices in " + shape.devices_file);
  std::atomic<std::uint64_t> acked_messages{0}, rows_sent{0};
  std::atomic<int> failures{0}, connected{0};
  std::atomic<bool> go{false};
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (int i = 0; i < shape.threads; ++i) contexts.push_back(std::make_unique<asio::io_context>());
  steady::time_point started, deadline;
  // The readings start 10 minutes back (within raw retention, never in the future) and each
  // device's go forward a millisecond per reading, so that no row is a duplicate.
  const bool history = shape.history_days > 0;
  const std::int64_t step = history ? shape.step_ms : 1;
  const std::int64_t base_ts = history ? now_ms() - std::int64_t{shape.history_days} * 86'400'000 : now_ms() - 600'000;
  const std::int64_t end_ts = now_ms();

  for (std::size_t i = 0; i < devices.size(); ++i) {
    auto& io = *contexts[i % contexts.size()];
    asio::co_spawn(
        io,
        [&, d = devices[i]]() -> asio::awaitable<void> {
          try {
            mqtt::client c(co_await asio::this_coro::executor);
            mqtt::client_options o;
            o.port = shape.port;
            o.client_id = d.id;
            o.max_in_flight = static_cast<std::uint16_t>(shape.in_flight);
            o.tls.emplace();
            o.tls->ca_file = shape.ca;
            o.tls->cert_file = shape.state_dir + "/" + d.serial + ".crt";
            o.tls->key_file = shape.state_dir + "/" + d.serial + ".key";
            o.tls->server_name = "127.0.0.1";
            auto ack = co_await c.connect(o);
            if (ack.reason != mqtt::reason_code::success) throw std::runtime_error("CONNACK refused");
            ++connected;
            asio::steady_timer wait(co_await asio::this_coro::executor);
            while (!go) {
              wait.expires_after(std::chrono::milliseconds(5));
              co_await wait.async_wait(asio::use_awaitable);
            }
            const std::string topic = "devices/" + d.id + "/" + shape.topic;
            std::uint64_t seq = 0;
            for (;;) {
              auto first = base_ts + static_cast<std::int64_t>(seq) * shape.batch * step;
              if (history ? first >= end_ts : steady::now() >= deadline) break;
              int n = history
                          ? static_cast<int>(std::min<std::int64_t>(shape.batch, (end_ts - first + step - 1) / step))
                          : shape.batch;
              co_await c.publish(topic, batch_payload(first, n, seq, step), mqtt::qos::at_least_once);
              rows_sent += static_cast<std::uint64_t>(n);
              ++seq;
            }
            co_await c.drain();
            acked_messages += c.acknowledged();
            co_await c.disconnect();
          } catch (const std::exception& e) {
            if (failures++ == 0) std::fprintf(stderr, "    a device failed: %s\n", e.what());
          }
        },
        asio::detached);
  }
  std::vector<std::thread> threads;
  for (auto& io : contexts) threads.emplace_back([&io] { io->run(); });
  auto wait_until = steady::now() + std::chrono::seconds(30);
  while (connected + failures < static_cast<int>(devices.size()) && steady::now() < wait_until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  started = steady::now();
  deadline = started + std::chrono::seconds(shape.seconds);
  go = true;
  for (auto& t : threads) t.join();
  double seconds = std::chrono::duration<double>(steady::now() - started).count();
  // Every message was acknowledged (drain) unless a device failed, which `failures` says.
  auto rows = failures ? acked_messages.load() * static_cast<std::uint64_t>(shape.batch) : rows_sent.load();
  return {{"devices", devices.size()},
          {"connected", connected.load()},
          {"failures", failures.load()},
          {"batch", shape.batch},
          {"messages", acked_messages.load()},
          {"rows", rows},
          {"seconds", seconds},
          {"messages_per_s", static_cast<double>(acked_messages.load()) / seconds},
          {"rows_per_s", static_cast<double>(rows) / seconds}};
}

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

json::object run_sqlite(const std::string& file, std::int64_t rows, int batch, int series) {
  sqlite3* db = nullptr;
  check(sqlite3_open(file.c_str(), &db), db, "open");
  auto exec = [&](const char* sql) { check(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), db, sql); };
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  exec(
      "CREATE TABLE IF NOT EXISTS telemetry_samples (series_id BIGINT NOT NULL, ts BIGINT NOT NULL, received_at BIGINT "
      "NOT NULL, number DOUBLE PRECISION, text TEXT, PRIMARY KEY (series_id, ts)) WITHOUT ROWID");
  sqlite3_stmt* insert = nullptr;
  check(sqlite3_prepare_v2(db, "INSERT INTO telemetry_samples (series_id, ts, received_at, number) VALUES (?, ?, ?, ?)",
                           -1, &insert, nullptr),
        db, "prepare");
  const std::int64_t base_ts = now_ms() - 10 * 60 * 1000;
  auto started = steady::now();
  std::int64_t written = 0;
  // The same order as ingest's batches: each series' readings in time order, series interleaved
  // by message.
  const std::int64_t per_message = 100;
  while (written < rows) {
    exec("BEGIN");
    for (int i = 0; i < batch && written < rows; ++i, ++written) {
      auto message = written / per_message;
      auto series_id = message % series + 1;
      auto ts = base_ts + (message / series) * per_message + written % per_message;
      sqlite3_bind_int64(insert, 1, series_id);
      sqlite3_bind_int64(insert, 2, ts);
      sqlite3_bind_int64(insert, 3, now_ms());
      sqlite3_bind_double(insert, 4, 20.0 + static_cast<double>(written % 1000) / 100);
      check(sqlite3_step(insert), db, "insert");
      sqlite3_reset(insert);
    }
    exec("COMMIT");
  }
  double seconds = std::chrono::duration<double>(steady::now() - started).count();
  sqlite3_finalize(insert);
  sqlite3_close(db);
  return {{"rows", written}, {"seconds", seconds}, {"rows_per_s", static_cast<double>(written) / seconds}};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Telemetry load for bench/telemetry/run"};
  app.require_subcommand(1);
  ingest_shape shape;
  auto* ingest = app.add_subcommand("ingest", "QoS 1 telemetry from onboarded devices over mTLS");
  ingest->add_option("--port", shape.port)->required();
  ingest->add_option("--ca", shape.ca)->required();
  ingest->add_option("--devices", shape.devices_file)->required();
  ingest->add_option("--state-dir", shape.state_dir)->required();
  ingest->add_option("--batch", shape.batch)->check(CLI::Range(1, 1000));
  ingest->add_option("--seconds", shape.seconds);
  ingest->add_option("--in-flight", shape.in_flight)->check(CLI::Range(1, 65535));
  ingest->add_option("--threads", shape.threads)->check(CLI::Range(1, 64));
  ingest->add_option("--topic", shape.topic)->check(CLI::IsMember({"telemetry", "events"}));
  ingest->add_option("--history-days", shape.history_days, "Send this many days of history instead")
      ->check(CLI::Range(0, 365));
  ingest->add_option("--step-ms", shape.step_ms, "Between readings of the history")->check(CLI::Range(1, 3600000));
  std::string file;
  std::int64_t rows = 1'000'000;
  int batch = 5000, series = 20;
  auto* raw = app.add_subcommand("sqlite", "The raw SQLite bulk-insert rate of the same rows");
  raw->add_option("--file", file)->required();
  raw->add_option("--rows", rows);
  raw->add_option("--batch", batch);
  raw->add_option("--series", series);
  CLI11_PARSE(app, argc, argv);
  try {
    json::object out = *ingest ? run_ingest(shape) : run_sqlite(file, rows, batch, series);
    std::cout << json::serialize(out) << "\n";
  } catch (const std::exception& e) {
    std::cerr << "telemetry_load: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
