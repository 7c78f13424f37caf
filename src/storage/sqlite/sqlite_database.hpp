#pragma once
// SQLite backend: one file, WAL journal, foreign keys on, a small pool of connections so
// that readers never wait for the writer.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/migrations.hpp"

struct sqlite3;

namespace mothership::storage {

class sqlite_connection;

class sqlite_database final : public database {
 public:
  // Opens (creating if needed, 0600) the file and applies the pending ones of `migrations`
  // (the platform's schema by default; telemetry keeps its own file with its own schema).
  // `synchronous_full`: every commit is fsynced (survives power loss); by default a commit is
  // in the OS when it returns (survives a crash of the process, WAL with synchronous=NORMAL).
  sqlite_database(const std::string& path, int pool_size,
                  const std::vector<migration>& migrations = sqlite_migrations(), bool synchronous_full = false);
  ~sqlite_database() override;

  void write(const std::function<void(connection&)>& fn) override;
  void read(const std::function<void(connection&)>& fn) override;
  pool_stats stats() const override;
  std::string backend_name() const override { return "sqlite"; }

  // Copies the live database to `target` with SQLite's online backup API. The target is
  // created 0600 and must not exist (database_error otherwise).
  void backup_to(const std::string& target);

 private:
  struct lease;
  void transact(const char* begin, const std::function<void(connection&)>& fn);
  std::unique_ptr<sqlite_connection> acquire();
  void release(std::unique_ptr<sqlite_connection> c);

  std::string path_;
  std::mutex writer_;  // held through each write transaction
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<sqlite_connection>> free_;
  int size_;
  int in_use_ = 0;
  std::int64_t waits_ = 0;
};

}  // namespace mothership::storage
