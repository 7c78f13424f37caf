#include "server/admin_commands.hpp"

#include <filesystem>
#include <iostream>

#include "audit/audit_log.hpp"
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
    return 0;
  }
  std::cout << "audit log BROKEN at entry " << *report.first_bad_id << ": " << report.reason << " (" << report.checked
            << " entries verified before it)\n";
  return 1;
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
