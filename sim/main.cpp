// mothership-sim: a fleet of simulated devices in one process (issue 4, requirement 7).
//
//   mothership-sim --api http://127.0.0.1:8080 --mqtt-tls 127.0.0.1:8883 --ca ca.pem
//                  --token-file TOKEN_FILE --devices 25 --approve [--pending 4] [--hold]
//
// The admin's access token comes from --token-file (a file only its owner may read) or from
// MOTHERSHIP_TOKEN, never from the command line, which every local user can read.
// Creates N factory identities and imports them into the registry (as the admin the token
// belongs to), onboards them end to end over MQTT/TLS with `--concurrency` at a time, claiming
// each one through the technician API when `--approve` is given (the real path), and ends with
// "onboarded K/N in S s". `--pending P` leaves P more devices connected and waiting for a
// technician (for the demo fleet); `--hold` keeps every device connected with heartbeats until
// SIGINT/SIGTERM, and `--telemetry-interval-s N` has them publish telemetry every N seconds
// meanwhile (counts in the final summary).
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "api_client.hpp"
#include "common/secret_file.hpp"
#include "simulated_device.hpp"

namespace asio = boost::asio;
using namespace mothership::sim;

namespace {

// Shared by the I/O threads and the claim pool.
struct run_counts {
  std::mutex mutex;
  int started = 0;
  int onboarded = 0;
  int failed = 0;
  int waiting = 0;  // pending devices waiting for a technician
  std::vector<std::string> failures;

  template <typename Change>
  void add(Change&& change) {
    std::lock_guard lock(mutex);
    change(*this);
  }
};

// One line on stderr, rewritten in place on a terminal.
void show_progress(run_counts& c, int total, bool final) {
  static const bool tty = ::isatty(2);
  if (!tty && !final) return;
  std::lock_guard lock(c.mutex);
  std::fprintf(stderr, "%sonboarding: %d/%d done, %d failed, %d in flight%s", tty ? "\r" : "", c.onboarded, total,
               c.failed, c.started - c.onboarded - c.failed, final ? "\n" : "");
  std::fflush(stderr);
}

// The fleet's telemetry, after the threads have stopped. A refusal (PUBACK reason >= 0x80) is
// counted as acknowledged: mqtt::client tells the caller how many PUBACKs came, not their reasons.
void print_telemetry(const std::vector<std::unique_ptr<simulated_device>>& sims) {
  telemetry_counts total;
  for (const auto& sim : sims) total += sim->telemetry();
  std::printf("telemetry: %llu messages sent, %llu acknowledged (refusals included), %llu readings skipped\n",
              static_cast<unsigned long long>(total.sent), static_cast<unsigned long long>(total.acknowledged),
              static_cast<unsigned long long>(total.skipped));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mothership-sim: simulated devices that onboard and stay connected"};
  std::string api_url, mqtt_tls, ca_file, token_file, state_dir, prefix = "SIM", model = "Sim-1";
  int devices = 10, pending = 0, concurrency = 50, heartbeat_s = 30, timeout_s = 120;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bool approve = false, hold = false;
  app.add_option("--api", api_url, "Server API base URL, http://HOST:PORT")->required();
  app.add_option("--mqtt-tls", mqtt_tls, "MQTT TLS listener HOST:PORT")->required();
  app.add_option("--ca", ca_file, "CA bundle devices trust (GET /pki/ca.pem)")->required()->check(CLI::ExistingFile);
  app.add_option("--token-file", token_file,
                 "File (mode 0600) with an admin's access token (imports the records; claims with --approve);"
                 " else MOTHERSHIP_TOKEN");
  app.add_option("--devices", devices, "Devices to onboard")->check(CLI::Range(0, 1000000));
  app.add_flag("--approve", approve, "Claim each device through the technician API once it says hello");
  app.add_option("--pending", pending, "More devices left waiting for a technician")->check(CLI::Range(0, 100000));
  app.add_option("--concurrency", concurrency, "Devices onboarding at the same time")->check(CLI::Range(1, 10000));
  app.add_option("--threads", threads, "I/O threads the devices are spread over (default: one per core)")
      ->check(CLI::Range(1, 64));
  app.add_option("--state-dir", state_dir, "Where device keys and certificates go (default: a temporary dir)");
  app.add_option("--serial-prefix", prefix, "Serial prefix");
  app.add_option("--model", model, "Model the devices report");
  app.add_option("--heartbeat-s", heartbeat_s, "Seconds between heartbeats with --hold")->check(CLI::Range(1, 3600));
  app.add_option("--timeout-s", timeout_s, "Seconds one device may take to onboard")->check(CLI::Range(1, 86400));
  auto* hold_flag =
      app.add_flag("--hold", hold, "Stay connected with heartbeats (and take firmware jobs) until SIGINT/SIGTERM");
  int ota_install_s = 5;
  double ota_fail_rate = 0.0;
  app.add_option("--ota-install-s", ota_install_s, "Seconds a simulated firmware install takes")
      ->check(CLI::Range(0, 3600));
  app.add_option("--ota-fail-rate", ota_fail_rate, "Share of firmware installs that fail their health check (0..1)")
      ->check(CLI::Range(0.0, 1.0));
  int telemetry_interval_s = 0, telemetry_batch = 1;
  double fault_rate = 0.5;
  std::uint64_t seed = 0;
  app.add_option("--telemetry-interval-s", telemetry_interval_s,
                 "Seconds between telemetry readings on devices/<id>/telemetry (0: none)")
      ->check(CLI::Range(0, 3600))
      ->needs(hold_flag);
  app.add_option("--telemetry-batch", telemetry_batch, "Readings sent together in one telemetry message")
      ->check(CLI::Range(1, 1000));
  app.add_option("--fault-rate", fault_rate, "Overheat faults per device per hour, on average (0: none)")
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--seed", seed, "Seed of the telemetry values (the same seed gives each device the same values)");
  CLI11_PARSE(app, argc, argv);

  // Before anything is created or sent: a refused token file changes nothing.
  auto token = mothership::common::find_secret(token_file, "MOTHERSHIP_TOKEN");
  if (!token.value) {
    std::cerr << "mothership-sim: " << token.error << "\n";
    return 2;
  }
  if (token.value->empty()) {
    std::cerr << "mothership-sim: no access token: set MOTHERSHIP_TOKEN or give --token-file FILE\n";
    return 2;
  }

  fleet_settings settings;
  auto colon = mqtt_tls.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "--mqtt-tls must be HOST:PORT\n";
    return 2;
  }
  settings.host = mqtt_tls.substr(0, colon);
  settings.port = static_cast<std::uint16_t>(std::stoi(mqtt_tls.substr(colon + 1)));
  settings.ca_file = ca_file;
  settings.model = model;
  settings.heartbeat_s = heartbeat_s;
  settings.ota_install_s = ota_install_s;
  settings.ota_fail_rate = ota_fail_rate;
  settings.telemetry_interval_s = telemetry_interval_s;
  settings.telemetry_batch = telemetry_batch;
  settings.fault_rate_per_hour = fault_rate;
  settings.seed = seed;
  if (state_dir.empty()) {
    state_dir = (std::filesystem::temp_directory_path() / ("mothership-sim-" + std::to_string(::getpid()))).string();
  }
  std::filesystem::create_directories(state_dir);
  std::filesystem::permissions(state_dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
  settings.state_dir = state_dir;

  // 1. Factory identities, imported in one CSV.
  api_client api(api_url, *token.value);
  std::vector<factory_identity> fleet;
  std::string csv;
  for (int i = 0; i < devices + pending; ++i) {
    fleet.push_back(new_factory_identity(prefix));
    csv += fleet.back().serial + "," + model + ",sim," + fleet.back().claim_code + "\n";
  }
  if (!fleet.empty()) {
    auto imported =
        api.post("/api/v1/registry/import?batch=" + prefix + "-" + std::to_string(::getpid()), "text/csv", csv);
    if (imported.status != 200) {
      std::cerr << "import failed: HTTP " << imported.status << " " << imported.body << "\n";
      return 1;
    }
  }

  // 2. Onboarding, `concurrency` at a time, spread over `--threads` I/O threads. Each thread
  // has its own io_context and devices (device i lives on context i % threads), so a device
  // and its MQTT client stay on one thread; only the counts are shared. Claims go through a
  // small pool of blocking HTTP clients.
  const auto contexts_n = static_cast<std::size_t>(threads);
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (std::size_t k = 0; k < contexts_n; ++k) contexts.push_back(std::make_unique<asio::io_context>());
  asio::io_context& io = *contexts[0];  // also runs the pending devices, the signals and the progress tick
  auto context_of = [&](std::size_t device) -> asio::io_context& { return *contexts[device % contexts_n]; };
  asio::thread_pool claims(4);
  run_counts counts;
  std::vector<std::unique_ptr<simulated_device>> sims;
  for (std::size_t i = 0; i < fleet.size(); ++i)
    sims.push_back(std::make_unique<simulated_device>(context_of(i).get_executor(), settings, fleet[i], i));
  const auto started = std::chrono::steady_clock::now();
  std::optional<double> approved_done_s;  // under counts.mutex
  int finished_approved = 0;              // under counts.mutex
  // The next device each context's workers take: k, k + threads, k + 2 * threads ...
  std::vector<std::size_t> next(contexts_n);
  for (std::size_t k = 0; k < contexts_n; ++k) next[k] = k;

  auto claim = [&](const factory_identity& id) {
    asio::post(claims, [&, id] {
      auto body = boost::json::serialize(boost::json::object{{"serial", id.serial}, {"claim_code", id.claim_code}});
      auto answer = api.post("/api/v1/onboarding", "application/json", body);
      if (answer.status != 200 && answer.status != 202) {
        std::lock_guard lock(counts.mutex);
        counts.failures.push_back(id.serial + ": claim HTTP " + std::to_string(answer.status) + " " + answer.body);
      }
    });
  };
  auto timeout = std::chrono::seconds(timeout_s);
  std::function<asio::awaitable<void>(std::size_t)> worker = [&](std::size_t k) -> asio::awaitable<void> {
    while (next[k] < static_cast<std::size_t>(devices)) {
      const std::size_t index = next[k];
      next[k] += contexts_n;
      auto& sim = *sims[index];
      counts.add([](run_counts& c) { ++c.started; });
      onboarding_result r;
      try {
        r = co_await sim.onboard(
            approve ? std::function<void()>([&] { claim(sim.identity()); }) : std::function<void()>(), timeout);
      } catch (const std::exception& e) {
        r.failure = e.what();
      }
      if (r.onboarded && hold) {
        asio::co_spawn(context_of(index), sim.run_heartbeats(), asio::detached);
        asio::co_spawn(context_of(index), sim.run_jobs(), asio::detached);
        asio::co_spawn(context_of(index), sim.run_telemetry(), asio::detached);
      }
      counts.add([&](run_counts& c) {
        if (r.onboarded) {
          ++c.onboarded;
        } else {
          ++c.failed;
          c.failures.push_back(sim.identity().serial + ": " + r.failure);
        }
        if (++finished_approved == devices)
          approved_done_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      });
      show_progress(counts, devices, false);
    }
  };
  for (int i = 0; i < std::min(concurrency, devices); ++i) {
    auto k = static_cast<std::size_t>(i) % contexts_n;
    asio::co_spawn(*contexts[k], worker(k), asio::detached);
  }
  if (devices == 0) approved_done_s = 0;

  // Pending devices: connected, said hello, waiting for a technician (no deadline).
  for (int i = devices; i < devices + pending; ++i) {
    auto& sim = *sims[static_cast<std::size_t>(i)];
    asio::co_spawn(
        context_of(static_cast<std::size_t>(i)),
        [&]() -> asio::awaitable<void> {
          try {
            auto r = co_await sim.onboard([&] { counts.add([](run_counts& c) { ++c.waiting; }); },
                                          std::chrono::hours(24 * 365));
            if (r.onboarded) {
              std::cerr << sim.identity().serial << " was approved and is connected as " << r.device_id << "\n";
              auto executor = co_await asio::this_coro::executor;
              asio::co_spawn(executor, sim.run_telemetry(), asio::detached);
              co_await sim.run_heartbeats();
            }
          } catch (const std::exception& e) {
            std::cerr << sim.identity().serial << ": " << e.what() << "\n";
          }
        },
        asio::detached);
  }

  // Keeps every context running until stop_all, however idle its devices are.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  for (auto& c : contexts) keep_running.push_back(asio::make_work_guard(*c));
  auto stop_all = [&] {
    for (auto& c : contexts) c->stop();
  };

  asio::signal_set signals(io, SIGINT, SIGTERM);
  bool reported = false;
  auto report = [&] {
    std::optional<double> done_s;
    {
      std::lock_guard lock(counts.mutex);
      done_s = approved_done_s;
    }
    if (reported || !done_s) return;
    reported = true;
    show_progress(counts, devices, true);
    {
      std::lock_guard lock(counts.mutex);
      for (const auto& f : counts.failures) std::cerr << "failed: " << f << "\n";
    }
    if (pending > 0) {
      std::cout << pending << " device(s) wait for a technician:";
      for (int i = devices; i < devices + pending; ++i)
        std::cout << " " << fleet[static_cast<std::size_t>(i)].serial << " (code " << fleet[i].claim_code << ")";
      std::cout << "\n";
    }
    std::lock_guard lock(counts.mutex);
    std::printf("onboarded %d/%d in %.2f s\n", counts.onboarded, devices, *done_s);
    std::fflush(stdout);
    if (!hold && pending == 0) stop_all();
  };
  signals.async_wait([&](const boost::system::error_code&, int) {
    // Each device is closed on its own thread, then every context stops.
    for (std::size_t i = 0; i < sims.size(); ++i) asio::post(context_of(i), [&sim = *sims[i]] { sim.stop(); });
    for (auto& c : contexts) asio::post(*c, [&context = *c] { context.stop(); });
  });
  // Check for the end of the approved devices once a tick.
  asio::steady_timer tick(io);
  std::function<void()> poll = [&] {
    report();
    show_progress(counts, devices, false);
    tick.expires_after(std::chrono::milliseconds(200));
    tick.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) poll();
    });
  };
  poll();
  std::vector<std::thread> runners;
  for (std::size_t k = 1; k < contexts_n; ++k) runners.emplace_back([&c = *contexts[k]] { c.run(); });
  io.run();
  for (auto& t : runners) t.join();
  claims.join();
  if (!reported && approved_done_s) report();
  if (telemetry_interval_s > 0) print_telemetry(sims);
  std::lock_guard lock(counts.mutex);
  return counts.onboarded == devices ? 0 : 1;
}
