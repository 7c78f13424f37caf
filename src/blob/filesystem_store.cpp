#include "blob/filesystem_store.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "common/encoding.hpp"
#include "common/ids.hpp"
#include "common/worker_pool.hpp"

namespace mothership::blob {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t chunk_size = 1 << 20;
// How much written data a put lets the kernel hold before it asks for it to be written out.
constexpr std::uint64_t writeback_step = 8 << 20;

std::runtime_error io_failure(const std::string& what, const fs::path& path) {
  return std::runtime_error(what + " " + path.string() + ": " + std::strerror(errno));
}

// A blob that exists but cannot be opened now. Out of file descriptors (a fleet downloading at
// once past the process's limit) is a moment's overload: 503 with Retry-After, and a warning
// that tells the operator which limit to raise. Anything else is a failure.
[[noreturn]] void open_failed(const fs::path& path) {
  if (errno == EMFILE || errno == ENFILE) {
    static std::atomic<std::uint64_t> times{0};
    if (times.fetch_add(1) % 1000 == 0)
      spdlog::warn(
          "out of file descriptors opening {} ({} times so far): raise the server's open-file limit "
          "(LimitNOFILE=, ulimit -n) or slow the rollout down",
          path.string(), times.load());
    throw common::overloaded_error("out of file descriptors");
  }
  throw io_failure("cannot open", path);
}

class unique_fd {
 public:
  explicit unique_fd(int fd = -1) : fd_(fd) {}
  unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  ~unique_fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

void write_all(int fd, const char* data, std::size_t size, const fs::path& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw io_failure("cannot write", path);
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

void sync_directory(const fs::path& dir) {
  unique_fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) throw io_failure("cannot sync", dir);
}

void make_private_directory(const fs::path& dir) {
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
}

// Removes the temporary file unless the put got as far as renaming it.
struct temporary_file {
  fs::path path;
  bool kept = false;
  ~temporary_file() {
    if (!kept) {
      std::error_code ignored;
      fs::remove(path, ignored);
    }
  }
};

struct sha256_hasher {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  sha256_hasher() {
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256 init");
  }
  void update(const char* data, std::size_t size) { EVP_DigestUpdate(ctx.get(), data, size); }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(ctx.get(), digest, &size);
    return common::to_hex({reinterpret_cast<const char*>(digest), size});
  }
};

class file_reader : public blob_reader {
 public:
  file_reader(unique_fd fd, std::uint64_t offset, std::uint64_t length)
      : fd_(std::move(fd)), offset_(offset), length_(length), position_(offset) {}

  std::size_t read(char* data, std::size_t size) override {
    std::uint64_t left = offset_ + length_ - position_;
    if (left == 0) return 0;
    for (;;) {
      ssize_t n = ::pread(fd_.get(), data, std::min<std::uint64_t>(size, left), static_cast<off_t>(position_));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw common::source_failed("blob read failed");
      position_ += static_cast<std::uint64_t>(n);
      return static_cast<std::size_t>(n);
    }
  }
  std::optional<file_slice> file() const override { return file_slice{fd_.get(), offset_, length_}; }
  std::uint64_t length() const override { return length_; }

 private:
  unique_fd fd_;
  std::uint64_t offset_, length_, position_;
};

}  // namespace

bool valid_blob_id(std::string_view id) {
  if (id.size() != 30 || !id.starts_with("blb_")) return false;
  for (unsigned char c : id.substr(4))
    if (!std::isdigit(c) && !std::isupper(c)) return false;
  return true;
}

filesystem_store::filesystem_store(fs::path root, const download_links& links, std::function<common::millis()> clock)
    : root_(std::move(root)), links_(links), clock_(std::move(clock)) {
  make_private_directory(root_);
  make_private_directory(root_ / "tmp");
  // Puts that a crash or a kill cut off.
  for (const auto& entry : fs::directory_iterator(root_ / "tmp")) fs::remove_all(entry.path());
  // A crash between the two renames of a put leaves a description without its data.
  for (const auto& shard : fs::directory_iterator(root_)) {
    if (!shard.is_directory() || shard.path().filename() == "tmp") continue;
    for (const auto& entry : fs::directory_iterator(shard.path()))
      if (entry.path().extension() == ".json" && !fs::exists(fs::path(entry.path()).replace_extension()))
        fs::remove(entry.path());
  }
}

void filesystem_store::set_public_url(std::string base) {
  std::lock_guard lock(url_mutex_);
  public_url_ = std::move(base);
}

common::millis filesystem_store::now() const {
  return clock_ ? clock_() : common::now_ms();
}

fs::path filesystem_store::data_path(std::string_view id) const {
  // The ids' last digits are random, so the shards fill evenly.
  return root_ / std::string(id.substr(id.size() - 2)) / std::string(id);
}

result<blob_info> filesystem_store::put(common::byte_source& source, std::uint64_t max_bytes) {
  temporary_file data{root_ / "tmp" / (common::to_hex(common::random_bytes(12)) + ".part")};
  unique_fd fd(::open(data.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) throw io_failure("cannot create", data.path);

  sha256_hasher hash;
  std::vector<char> buffer(chunk_size);
  std::uint64_t size = 0;
  std::uint64_t started_writeback = 0;
  try {
    for (;;) {
      std::size_t n = source.read(buffer.data(), buffer.size());
      if (n == 0) break;
      size += n;
      if (size > max_bytes) return errc::too_large;
      hash.update(buffer.data(), n);
      write_all(fd.get(), buffer.data(), n, data.path);
      // Starts the disk writing what has come so far, while the rest is still arriving: the
      // fsync below then waits for the last step only, not for the whole image (2 GiB of dirty
      // pages at the limit). It only starts the writes (no wait), and a failure is harmless:
      // the fsync still makes the data durable.
      if (size - started_writeback >= writeback_step) {
        ::sync_file_range(fd.get(), static_cast<off_t>(started_writeback), static_cast<off_t>(size - started_writeback),
                          SYNC_FILE_RANGE_WRITE);
        started_writeback = size;
      }
    }
  } catch (const common::source_too_large&) {
    return errc::too_large;
  } catch (const common::source_failed&) {
    return errc::source_failed;
  }
  if (::fsync(fd.get()) != 0) throw io_failure("cannot sync", data.path);

  blob_info info{common::new_id("blb"), size, hash.hex(), now()};
  fs::path final_path = data_path(info.id);
  make_private_directory(final_path.parent_path());
  temporary_file meta{root_ / "tmp" / (info.id + ".json")};
  {
    std::string text = boost::json::serialize(
        boost::json::object{{"size", info.size}, {"sha256", info.sha256}, {"created_at", info.created_at}});
    unique_fd mfd(::open(meta.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (mfd.get() < 0) throw io_failure("cannot create", meta.path);
    write_all(mfd.get(), text.data(), text.size(), meta.path);
    if (::fsync(mfd.get()) != 0) throw io_failure("cannot sync", meta.path);
  }
  // The description first: a data file under a real name always has one.
  fs::rename(meta.path, fs::path(final_path).replace_extension(".json"));
  meta.kept = true;
  fs::rename(data.path, final_path);
  data.kept = true;
  sync_directory(final_path.parent_path());
  return info;
}

result<blob_info> filesystem_store::stat(std::string_view id) {
  if (!valid_blob_id(id)) return errc::not_found;
  fs::path path = data_path(id);
  std::error_code ec;
  if (!fs::exists(path, ec)) return errc::not_found;
  unique_fd fd(::open(fs::path(path).replace_extension(".json").c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return errc::not_found;
    open_failed(path);
  }
  char text[512];
  ssize_t n = ::read(fd.get(), text, sizeof text);
  if (n <= 0) throw io_failure("cannot read", path);
  auto meta = boost::json::parse(std::string_view(text, static_cast<std::size_t>(n))).as_object();
  return blob_info{std::string(id), meta.at("size").to_number<std::uint64_t>(),
                   std::string(meta.at("sha256").as_string()), meta.at("created_at").to_number<common::millis>()};
}

result<std::unique_ptr<blob_reader>> filesystem_store::open(std::string_view id, std::uint64_t offset,
                                                            std::uint64_t length) {
  if (!valid_blob_id(id)) return errc::not_found;
  fs::path path = data_path(id);
  unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return errc::not_found;
    open_failed(path);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw io_failure("cannot stat", path);
  auto size = static_cast<std::uint64_t>(st.st_size);
  if (offset > size || (offset == size && size > 0)) return errc::range_not_satisfiable;
  length = std::min(length, size - offset);
  return std::unique_ptr<blob_reader>(std::make_unique<file_reader>(std::move(fd), offset, length));
}

void filesystem_store::remove(std::string_view id) {
  if (!valid_blob_id(id)) return;
  fs::path path = data_path(id);
  std::error_code ignored;
  fs::remove(path, ignored);  // the data first: a description alone is swept at start
  fs::remove(fs::path(path).replace_extension(".json"), ignored);
}

std::string filesystem_store::download_url(std::string_view id, const link_request& r) {
  download_link link{std::string(id), now() / 1000 + r.ttl.count(), r.audience};
  // The name is not signed: it changes only what the browser calls the file.
  std::string name = r.filename.empty() ? "" : "?name=" + common::percent_encode(r.filename);
  std::lock_guard lock(url_mutex_);
  return public_url_ + "/dl/" + links_.sign(link) + name;
}

}  // namespace mothership::blob
