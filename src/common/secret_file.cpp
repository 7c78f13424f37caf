#include "common/secret_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "common/encoding.hpp"

namespace mothership::common {

namespace {

struct fd_closer {
  int fd;
  ~fd_closer() {
    if (fd >= 0) ::close(fd);
  }
};

secret_result refused(const std::string& path, const std::string& why) {
  return {std::nullopt, path + ": " + why};
}

}  // namespace

secret_result read_secret_file(const std::string& path) {
  // The mode is checked on the descriptor that is read, so the file cannot be swapped between
  // the check and the read.
  fd_closer file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY)};
  if (file.fd < 0) return refused(path, std::strerror(errno));
  struct stat st {};
  if (::fstat(file.fd, &st) != 0) return refused(path, std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return refused(path, "not a regular file");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return refused(path, std::string("mode ") + mode +
                             " lets group or others at the secret in it; refusing it (chmod 600 the file)");
  }
  std::string text;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(file.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return refused(path, std::strerror(errno));
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > 64 * 1024) return refused(path, "too large for a secret");
  }
  text = text.substr(0, text.find('\n'));
  if (!text.empty() && text.back() == '\r') text.pop_back();
  if (text.empty()) return refused(path, "empty");
  return {std::move(text), {}};
}

secret_result find_secret(const std::string& file, const char* env_name) {
  if (!file.empty()) return read_secret_file(file);
  if (const char* env = std::getenv(env_name); env && *env) return {std::string(env), {}};
  return {std::string(), {}};
}

std::array<unsigned char, 32> load_or_create_key(const std::string& path) {
  std::array<unsigned char, 32> key{};
  // O_EXCL: of two processes starting at once, one writes the key and both read that one.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    fd_closer closer{fd};
    std::string text = to_hex(random_bytes(key.size())) + "\n";
    if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()) || ::fsync(fd) != 0)
      throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  } else if (errno != EEXIST) {
    throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
  }
  auto read = read_secret_file(path);
  if (!read.value) throw std::runtime_error(read.error);
  auto bytes = from_hex(*read.value);
  if (!bytes || bytes->size() != key.size()) throw std::runtime_error(path + " is not a 32-byte hex key");
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

}  // namespace mothership::common
