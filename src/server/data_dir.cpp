#include "server/data_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace mothership::server {

namespace {

namespace fs = std::filesystem;

// Every directory the server makes in the data dir: a new one belongs here.
constexpr const char* subdirectories[] = {"keys", "pki", "blobs"};

// Creates `dir` 0700 if it is missing: mkdir with that mode is narrowed by the umask only,
// so the directory is never looser, not even for a moment.
void make_private_dir(const fs::path& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw std::system_error(errno, std::generic_category(), "create " + dir.string());
}

// Takes from `path`, if it exists, the permissions beyond `allowed`; remembers it in `tightened`.
void tighten(const fs::path& path, fs::perms allowed, std::vector<fs::path>& tightened) {
  std::error_code ec;
  auto status = fs::symlink_status(path, ec);
  if (ec || !fs::exists(status) || fs::is_symlink(status)) return;
  auto mode = status.permissions() & fs::perms::mask;
  if ((mode & ~allowed) == fs::perms::none) return;
  fs::permissions(path, mode & allowed, fs::perm_options::replace);
  tightened.push_back(path);
}

// Another user's directory would give that user our keys and database, or theirs to us:
// refuse it rather than take it over. (stat follows a symbolic link: its target counts.)
void refuse_foreign(const fs::path& dir, std::string_view what) {
  if (struct stat st{}; ::stat(dir.c_str(), &st) == 0 && st.st_uid != ::geteuid()) {
    throw std::runtime_error(std::string(what) + " " + dir.string() + " is owned by uid " + std::to_string(st.st_uid) +
                             ", not by this user (uid " + std::to_string(::geteuid()) +
                             "); refusing to use it: run the server as its owner or give it to this user");
  }
}

}  // namespace

std::vector<fs::path> data_dir::prepare() const {
  refuse_foreign(root, "data dir");
  for (const char* sub : subdirectories) refuse_foreign(root / sub, "data dir's");
  // "var/" names the directory var, whose parent is not "var" (what parent_path() says).
  auto parent = (root.has_filename() ? root : root.parent_path()).parent_path();
  if (!parent.empty()) fs::create_directories(parent);
  make_private_dir(root);
  for (const char* sub : subdirectories) make_private_dir(root / sub);

  // Through symbolic links: a data dir that is a link to a 0755 directory is that directory.
  auto real = [](const fs::path& p) {
    std::error_code ec;
    auto target = fs::canonical(p, ec);
    return ec ? p : target;
  };
  std::vector<fs::path> tightened;
  const auto owner_all = fs::perms::owner_all;
  const auto owner_rw = fs::perms::owner_read | fs::perms::owner_write;
  tighten(real(root), owner_all, tightened);
  for (const char* sub : subdirectories) tighten(real(root / sub), owner_all, tightened);
  for (const auto& db : {database(), telemetry_database()})
    for (const char* suffix : {"", "-wal", "-shm"}) tighten(db + suffix, owner_rw, tightened);
  return tightened;
}

}  // namespace mothership::server
