#include "state_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mothership::agent {

namespace json = boost::json;

namespace {

[[noreturn]] void io_fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

class fd_guard {
 public:
  explicit fd_guard(int fd) : fd_(fd) {}
  ~fd_guard() {
    if (fd_ >= 0) ::close(fd_);
  }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!exists(path)) return std::nullopt;
    io_fail("cannot read", path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

state_store::state_store(std::string dir) : dir_(std::move(dir)) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
}

void state_store::open() {
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) io_fail("cannot create the state directory", dir_);
  if (::access(dir_.c_str(), W_OK | X_OK) != 0) io_fail("cannot write to the state directory", dir_);
  // A crash during save_renewal: renewed.crt exists only once both new files were complete,
  // so then the new pair wins; otherwise the old pair is still whole and the rest is dropped.
  if (exists(path("renewed.crt"))) {
    if (exists(path("renewed.key"))) rename_in_dir("renewed.key", "device.key");
    rename_in_dir("renewed.crt", "device.crt");
  } else if (exists(path("renewed.key"))) {
    ::unlink(path("renewed.key").c_str());
  }
}

void state_store::write_atomically(const std::string& name, const std::string& content, unsigned mode) const {
  auto final_path = path(name);
  auto temp_path = final_path + ".tmp";
  ::unlink(temp_path.c_str());  // a leftover from a crash; O_EXCL below must create a fresh file
  // Created with its final mode: a private key is never readable by others, not even briefly.
  fd_guard fd(::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
  if (fd.get() < 0) io_fail("cannot create", temp_path);
  if (::fchmod(fd.get(), mode) != 0) io_fail("cannot set the mode of", temp_path);
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) io_fail("cannot write", temp_path);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) io_fail("cannot sync", temp_path);
  if (::close(fd.release()) != 0) io_fail("cannot close", temp_path);
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) io_fail("cannot rename", temp_path);
  sync_dir();
}

void state_store::remove(const std::string& name) const {
  if (::unlink(path(name).c_str()) != 0 && errno != ENOENT) io_fail("cannot remove", path(name));
  sync_dir();
}

void state_store::rename_in_dir(const char* from, const char* to) const {
  if (::rename(path(from).c_str(), path(to).c_str()) != 0) io_fail("cannot rename", path(from));
  sync_dir();
}

void state_store::sync_dir() const {
  fd_guard fd(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) io_fail("cannot sync", dir_);
}

private_key state_store::onboarding_key(bool* created) {
  *created = false;
  if (auto key = current_key()) return key;
  auto key = generate_key();
  write_atomically("device.key", private_key_pem(*key), 0600);
  *created = true;
  return key;
}

private_key state_store::current_key() const {
  auto pem = read_file(key_path());
  return pem ? read_private_key(*pem) : nullptr;
}

std::optional<std::string> state_store::current_certificate() const {
  return read_file(certificate_path());
}

std::optional<identity> state_store::load_identity() const {
  auto text = read_file(path("device.json"));
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  auto doc = json::parse(*text, ec);
  const json::object* o = (!ec && doc.is_object()) ? &doc.as_object() : nullptr;
  const json::value* id = o ? o->if_contains("device_id") : nullptr;
  const json::value* endpoint = o ? o->if_contains("mqtt_endpoint") : nullptr;
  if (!id || !id->is_string() || !endpoint || !endpoint->is_string())
    throw std::runtime_error(path("device.json") + " is damaged: remove the state directory to onboard again");
  return identity{std::string(id->as_string()), std::string(endpoint->as_string())};
}

void state_store::save_onboarding(const identity& id, const std::string& certificate, const std::string& chain,
                                  const std::string& ca_bundle) {
  write_atomically("device.crt", certificate + (certificate.ends_with('\n') ? "" : "\n") + chain, 0644);
  write_atomically("ca.pem", ca_bundle, 0644);
  write_atomically(
      "device.json",
      json::serialize(json::object{{"device_id", id.device_id}, {"mqtt_endpoint", id.mqtt_endpoint}}) + "\n", 0644);
}

void state_store::save_renewal(EVP_PKEY& key, const std::string& certificate, const std::string& chain) {
  write_atomically("renewed.key", private_key_pem(key), 0600);
  write_atomically("renewed.crt", certificate + (certificate.ends_with('\n') ? "" : "\n") + chain, 0644);
  rename_in_dir("renewed.key", "device.key");
  rename_in_dir("renewed.crt", "device.crt");
}

}  // namespace mothership::agent
