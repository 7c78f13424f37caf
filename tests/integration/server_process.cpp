#include "server_process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "http_client.hpp"

extern char** environ;

namespace mothership::integration {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The last `lines` lines of text (all of it when shorter).
std::string tail(const std::string& text, std::size_t lines) {
  std::size_t start = text.size();
  if (start > 0 && text[start - 1] == '\n') --start;  // the final newline ends the last line
  for (std::size_t n = 0; n < lines; ++n) {
    if (start == 0) return text;
    std::size_t nl = text.rfind('\n', start - 1);
    if (nl == std::string::npos) return text;
    start = nl;
  }
  return text.substr(start + 1);
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

// Polls waitpid until the child ends or the time is up.
std::optional<int> wait_child(pid_t pid, std::chrono::milliseconds within) {
  auto deadline = clock_type::now() + within;
  for (;;) {
    int status = 0;
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return decode_status(status);
    if (done < 0 && errno != EINTR) return -1;
    if (clock_type::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

bool keep_files() {
  const char* keep = std::getenv("MOTHERSHIP_IT_KEEP");
  return (keep && std::string(keep) == "1") || ::testing::Test::HasFailure();
}

// Everything the child needs, built before fork(): after it only async-signal-safe calls run.
struct spawn_plan {
  std::vector<std::string> argv_storage;
  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;

  spawn_plan(const std::vector<std::string>& args, const env_list& env) : argv_storage(args) {
    for (char** e = environ; *e; ++e)
      if (std::strncmp(*e, "MOTHERSHIP_", 11) != 0) env_storage.emplace_back(*e);
    for (const auto& [k, v] : env) env_storage.push_back(k + "=" + v);
    for (auto& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);
  }
};

pid_t spawn(const spawn_plan& plan, const fs::path& cwd, const fs::path& out, const fs::path& err) {
  std::string cwd_s = cwd.string(), out_s = out.string(), err_s = err.string();
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // A test binary that crashes or is killed by ctest's timeout takes its servers with it.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) ::_exit(125);
    int in_fd = ::open("/dev/null", O_RDONLY);
    int out_fd = ::open(out_s.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err_fd = ::open(err_s.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0 || ::chdir(cwd_s.c_str()) != 0) ::_exit(126);
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::execve(plan.argv[0], plan.argv.data(), plan.envp.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

const std::string& mothership_binary() {
  static const std::string path = MOTHERSHIP_BINARY;
  return path;
}

const std::string& sqlite3_cli() {
  static const std::string path = MOTHERSHIP_SQLITE3_CLI;
  return path;
}

temp_dir::temp_dir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/mothership-it-XXXXXX";
  if (!::mkdtemp(pattern.data())) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  path_ = pattern;
}

temp_dir::~temp_dir() {
  if (keep_files()) {
    std::cerr << "[integration] kept " << path_ << "\n";
    return;
  }
  std::error_code ec;
  fs::remove_all(path_, ec);
}

command_result run_command(const std::vector<std::string>& argv, const env_list& env, std::chrono::seconds timeout,
                           const fs::path& cwd) {
  temp_dir scratch;
  spawn_plan plan(argv, env);
  fs::path out = scratch.path() / "stdout", err = scratch.path() / "stderr";
  pid_t pid = spawn(plan, cwd.empty() ? scratch.path() : cwd, out, err);
  command_result result;
  auto code = wait_child(pid, timeout);
  if (!code) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    code = -SIGKILL;
  }
  result.exit_code = *code;
  result.out = read_file(out);
  result.err = read_file(err);
  if (result.exit_code == 127) result.err += "\n(exec of " + argv.front() + " failed)";
  return result;
}

server_process::server_process(server_options options) : options_(std::move(options)) {
  data_dir_ = options_.data_dir.empty() ? work_.path() / "data" : options_.data_dir;
  launch();
  wait_ready();
}

server_process::~server_process() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  if (::testing::Test::HasFailure()) std::cerr << "[integration] server output:\n" << log_tail() << "\n";
}

void server_process::launch() {
  std::vector<std::string> args{mothership_binary(), "serve", "--data-dir", data_dir_.string()};
  if (options_.pass_listen_flag) {
    port_ = free_port();
    args.push_back("--http-listen");
    args.push_back("127.0.0.1:" + std::to_string(port_));
  }
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  env_list env;
  if (options_.admin_password) env.emplace_back("MOTHERSHIP_ADMIN_PASSWORD", *options_.admin_password);
  env.insert(env.end(), options_.env.begin(), options_.env.end());
  spawn_plan plan(args, env);
  pid_ = spawn(plan, work_.path(), work_.path() / "stdout.log", work_.path() / "stderr.log");
}

void server_process::wait_ready() {
  static const std::regex listening(R"(HTTP listening on http://[^\s:]+:(\d+))");
  auto deadline = clock_type::now() + options_.start_timeout;
  while (clock_type::now() < deadline) {
    if (auto code = wait_child(pid_, std::chrono::milliseconds(0))) {
      pid_ = -1;
      exit_code_ = code;
      throw std::runtime_error("mothership exited with code " + std::to_string(*code) + " during start:\n" +
                               log_tail());
    }
    if (port_ == 0) {
      std::smatch m;
      std::string out = stdout_text();
      if (std::regex_search(out, m, listening)) port_ = std::stoi(m[1].str());
    }
    if (port_ != 0) {
      try {
        http_request health{"GET", "/healthz"};
        if (send_request(port_, health, std::chrono::milliseconds(2000)).status == 200) return;
      } catch (const std::runtime_error&) {
        // not accepting yet
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  throw std::runtime_error("mothership did not answer GET /healthz within " +
                           std::to_string(options_.start_timeout.count()) + " s:\n" + log_tail());
}

int server_process::stop(std::chrono::seconds grace) {
  if (pid_ <= 0) return exit_code_.value_or(-1);
  ::kill(pid_, SIGTERM);
  auto code = wait_child(pid_, grace);
  if (!code) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    code = -SIGKILL;
  }
  pid_ = -1;
  exit_code_ = code;
  return *code;
}

void server_process::send_signal(int signo) const {
  if (pid_ > 0) ::kill(pid_, signo);
}

std::optional<int> server_process::wait_exit(std::chrono::milliseconds within) {
  if (pid_ <= 0) return exit_code_;
  auto code = wait_child(pid_, within);
  if (code) {
    pid_ = -1;
    exit_code_ = code;
  }
  return code;
}

std::string server_process::stdout_text() const {
  return read_file(work_.path() / "stdout.log");
}

std::string server_process::stderr_text() const {
  return read_file(work_.path() / "stderr.log");
}

std::string server_process::log_tail(std::size_t lines) const {
  return "--- stdout (tail) ---\n" + tail(stdout_text(), lines) + "--- stderr (tail) ---\n" +
         tail(stderr_text(), lines);
}

}  // namespace mothership::integration
