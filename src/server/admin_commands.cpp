#include "server/admin_commands.hpp"

#include <filesystem>
#include <iostream>

#include <zlib.h>

#include "audit/audit_log.hpp"
#include "audit/export_check.hpp"
#include "server/data_dir.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace mothership::server {

namespace {
bool database_exists(const data_dir& dir) {
  if (std::filesystem::exists(dir.database())) return true;
  std::cerr << "no database at " << dir.database() << "\n";
  return false;
}
}  // namespace

int audit_verify(const std::string& path) {
  data_dir dir{path};
  if (!database_exists(dir)) return 2;
  storage::sqlite_database db(dir.database(), 1);
  audit::audit_log log(db);
  auto report = log.verify();
  if (report.ok()) {
    std::cout << "audit log intact: " << report.checked << " entries verified\n";
    if (report.checked > 0) std::cout << "newest entry " << report.checked << " has hash " << report.head_hash << "\n";
    return 0;
  }
  std::cout << "audit log BROKEN at entry " << *report.first_bad_id << ": " << report.reason << " (" << report.checked
            << " entries verified before it)\n";
  return 1;
}

int audit_verify_export(const std::string& file, const std::optional<std::string>& data_dir_path) {
  // zlib reads a plain file as it is, so a .ndjson and a .ndjson.gz report both do.
  gzFile in = gzopen(file.c_str(), "rb");
  if (!in) {
    std::cerr << "cannot read " << file << "\n";
    return 2;
  }
  struct closer {
    gzFile f;
    ~closer() { gzclose(f); }
  } close_in{in};
  std::string buffer(1 << 16, '\0');
  auto next_line = [&]() -> std::optional<std::string> {
    std::string line;
    for (;;) {
      if (!gzgets(in, buffer.data(), static_cast<int>(buffer.size()))) {
        if (line.empty()) return std::nullopt;
        return line;
      }
      line += buffer.c_str();
      if (!line.empty() && line.back() == '\n') {
        line.pop_back();
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
      }
    }
  };
  std::unique_ptr<storage::sqlite_database> db;
  std::unique_ptr<audit::audit_log> log;
  if (data_dir_path) {
    data_dir dir{*data_dir_path};
    if (!database_exists(dir)) return 2;
    db = std::make_unique<storage::sqlite_database>(dir.database(), 1);
    log = std::make_unique<audit::audit_log>(*db);
  }
  std::optional<std::int64_t> not_in_log;
  auto report = audit::check_export(next_line, [&](std::int64_t id, const std::string& hash) {
    if (log && !not_in_log && log->hash_of(id) != hash) not_in_log = id;
  });
  if (!report.ok()) {
    std::cout << "export BROKEN: " << report.reason << "\n";
    return 1;
  }
  std::cout << "export intact: " << report.entries << " entries, each hash recomputed; " << report.links
            << " links between consecutive entries checked";
  if (report.gaps > 0) std::cout << "; " << report.gaps << " gaps (a filtered export)";
  std::cout << "\nnewest entry " << *report.newest_id << " has hash " << report.newest_hash << "\n";
  if (log) {
    if (not_in_log) {
      std::cout << "but entry " << *not_in_log << " is not in the audit log of " << *data_dir_path
                << " with that hash\n";
      return 1;
    }
    std::cout << "every entry is in the audit log of " << *data_dir_path << " with the same hash\n";
  }
  return 0;
}

int backup(const std::string& path, const std::string& target) {
  data_dir dir{path};
  if (!database_exists(dir)) return 2;
  if (std::filesystem::exists(target)) {
    std::cerr << target << " exists; refusing to overwrite it\n";
    return 2;
  }
  storage::sqlite_database db(dir.database(), 1);
  db.backup_to(target);
  std::cout << "backup written to " << target << " (" << std::filesystem::file_size(target) << " bytes)\n";
  return 0;
}

}  // namespace mothership::server
