// mothership-agent --config agent.toml: the reference device agent (docs/device-protocol.md).

#include <openssl/crypto.h>
#include <pthread.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <optional>
#include <thread>

#include "agent.hpp"
#include "downloader.hpp"
#include "shell_command.hpp"

namespace {

using namespace mothership::agent;

void setup_logging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("mothership-agent");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %-5l %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

// The reboot a firmware update asks for. Without a reboot_command (tests, a trial on a desk) the
// agent "reboots" by starting itself again: the same program, arguments and process id, so a
// supervisor sees one process. On a device the command reboots it and does not return.
int reboot(const config& cfg, char** argv) {
  spdlog::default_logger()->flush();
  if (cfg.reboot_command.empty()) {
    spdlog::info("rebooting: starting the agent again");
    spdlog::default_logger()->flush();
    ::execv("/proc/self/exe", argv);
    spdlog::critical("cannot start the agent again: {}", std::strerror(errno));
    return exit_failure;
  }
  spdlog::info("rebooting: {}", cfg.reboot_command);
  auto result = run_shell_command(cfg.reboot_command, {}, std::chrono::seconds(600));
  if (!result.ran || result.exit_code != 0) {
    spdlog::critical("the reboot command failed: {}", describe(result));
    return exit_failure;
  }
  return exit_stopped;  // the command took over the reboot (it may restart the agent itself)
}

}  // namespace

int main(int argc, char** argv) {
  // No OpenSSL clean-up at exit: Paho's network threads outlive main() by a moment and may still
  // hold OpenSSL objects then; freeing the library under them races (and leaks what they hold).
  // This must be the first OpenSSL call. The process's exit returns the memory anyway.
  OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);

  CLI::App app{"mothership-agent: onboards this device to a Mothership server and keeps it connected"};
  std::string config_path;
  app.add_option("-c,--config", config_path, "agent configuration (TOML)")->required();
  std::optional<std::string> reboot_command;
  app.add_option("--reboot-command", reboot_command,
                 "command that reboots the device after an update (overrides reboot_command; empty: the agent "
                 "restarts itself)");
  app.set_version_flag("--version", "mothership-agent " MOTHERSHIP_AGENT_VERSION);
  CLI11_PARSE(app, argc, argv);

  auto loaded = load_config(config_path);
  if (!loaded.value) {
    std::cerr << "mothership-agent: " << loaded.error << "\n";
    return exit_bad_config;
  }
  if (reboot_command) loaded.value->reboot_command = *reboot_command;
  setup_logging(loaded.value->log_level);
  init_downloads();  // before any other thread

  // SIGINT and SIGTERM are taken by one thread with sigwait, never by a handler: blocked here,
  // before any other thread exists, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);  // only to wake the signal thread at exit
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  event_queue events;
  std::thread signal_thread([&events, signals] {
    int received = 0;
    sigwait(&signals, &received);
    if (received != SIGUSR1) {
      spdlog::info("received {}: disconnecting", received == SIGINT ? "SIGINT" : "SIGTERM");
      events.request_stop();
    }
  });

  int code = exit_failure;
  try {
    code = run_agent(*loaded.value, events, paho_links());
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
  }
  pthread_kill(signal_thread.native_handle(), SIGUSR1);
  signal_thread.join();
  if (code == exit_reboot) return reboot(*loaded.value, argv);
  if (code == exit_stopped) spdlog::info("stopped");
  return code;
}
