#pragma once
// The real `mothership` binary as a child process, for black-box tests: a fresh data directory,
// a loopback port, stdout and stderr captured to files, readiness by GET /healthz, and a stop
// by SIGTERM whose exit code the test checks (under ASan a leak or a bad access makes it non-zero).
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mothership::integration {

// The password every test server's first admin gets unless a test says otherwise.
inline constexpr const char* admin_password = "integration-root-pw-31";

// Path of the binary under test (set by CMake).
const std::string& mothership_binary();
// Path of the sqlite3 command-line tool, or empty when it is not installed.
const std::string& sqlite3_cli();

using env_list = std::vector<std::pair<std::string, std::string>>;

// A directory under $TMPDIR (or /tmp), removed with its contents on destruction unless the
// environment sets MOTHERSHIP_IT_KEEP=1 or the current test has failed.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct command_result {
  int exit_code = -1;  // -signal when killed by a signal
  std::string out;
  std::string err;
};

// Runs argv[0] (a path) with argv, the environment minus MOTHERSHIP_* plus `env`, in `cwd`
// (empty: a scratch directory). Kills it and reports exit code -9 after `timeout`.
command_result run_command(const std::vector<std::string>& argv, const env_list& env = {},
                           std::chrono::seconds timeout = std::chrono::seconds(60),
                           const std::filesystem::path& cwd = {});

struct server_options {
  // MOTHERSHIP_ADMIN_PASSWORD for the first start; nullopt leaves it unset.
  std::optional<std::string> admin_password = std::string(integration::admin_password);
  // Empty: "data" inside the server's own scratch directory.
  std::filesystem::path data_dir;
  // true: adds --http-listen 127.0.0.1:<free port>. false: the address comes from elsewhere
  // (--config, environment, extra_args) and the port is read from the "HTTP listening" log line.
  bool pass_listen_flag = true;
  std::vector<std::string> extra_args;
  env_list env;
  std::chrono::seconds start_timeout{20};
};

class server_process {
 public:
  // Starts the server and waits until GET /healthz answers 200; throws std::runtime_error (with
  // the server's output) when it exits or does not become healthy in time.
  explicit server_process(server_options options = {});
  // Kills the server if still running. Keeps its files when the current test failed.
  ~server_process();
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  // SIGTERM, then waits up to `grace`; returns the exit code (-signal if killed by a signal,
  // -9 when it had to be killed after the grace period).
  int stop(std::chrono::seconds grace = std::chrono::seconds(15));
  void send_signal(int signo) const;
  // Waits for the process to end by itself; exit code as stop(), nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds within);
  bool running() const { return pid_ > 0; }

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  const std::filesystem::path& work_dir() const { return work_.path(); }
  std::string stdout_text() const;
  std::string stderr_text() const;
  // The last lines of both streams, for failure messages.
  std::string log_tail(std::size_t lines = 40) const;

 private:
  void launch();
  void wait_ready();

  server_options options_;
  temp_dir work_;
  std::filesystem::path data_dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

}  // namespace mothership::integration
