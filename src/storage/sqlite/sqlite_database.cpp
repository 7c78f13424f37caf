#include "storage/sqlite/sqlite_database.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "storage/migrations.hpp"

namespace mothership::storage {

namespace {

database_error error_from(sqlite3* db, int rc, std::string_view context) {
  int primary = rc & 0xff;
  auto k = primary == SQLITE_CONSTRAINT                           ? database_error::kind::constraint
           : (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) ? database_error::kind::busy
                                                                  : database_error::kind::other;
  return database_error(k, std::string(context) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

struct statement_deleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using statement = std::unique_ptr<sqlite3_stmt, statement_deleter>;

// SQLite's unix VFS creates the -wal and -shm files with the mode of the database file, so a
// database file made 0600 here, before SQLite sees it, keeps all three private whatever the
// umask. An existing file is left as it is (the server's data dir tightens it at start);
// `exclusive` refuses one. Paths SQLite does not treat as files are left to it.
void create_owner_only(const std::string& path, bool exclusive) {
  if (path.empty() || path == ":memory:" || path.starts_with("file:")) return;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : 0), 0600);
  if (fd < 0) {
    if (exclusive) throw database_error(database_error::kind::other, "create " + path + ": " + std::strerror(errno));
    return;  // SQLite's own open says why
  }
  ::close(fd);
}

// Lets the statement cache be searched with the string_view a caller passes.
struct text_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

}  // namespace

class sqlite_connection final : public connection {
 public:
  explicit sqlite_connection(const std::string& path) {
    int rc =
        sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      auto err = error_from(db_, rc, "open " + path);
      sqlite3_close(db_);
      throw err;
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 10000);
    // mmap: pages are read from the OS page cache in place; without it each connection of the
    // pool re-read (pread) every page another connection had written since its last use.
    script(
        "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"
        " PRAGMA mmap_size=268435456;");
  }
  ~sqlite_connection() override {
    statements_.clear();  // finalized before the connection closes
    sqlite3_close_v2(db_);
  }

  void script(const std::string& sql) {
    char* message = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      std::string text = message ? message : sqlite3_errstr(rc);
      sqlite3_free(message);
      throw database_error(database_error::kind::other, "script: " + text);
    }
  }

  std::vector<row> query(std::string_view sql, const params& p) override {
    std::vector<row> rows;
    query_each(sql, p, [&](const row& r) {
      rows.push_back(r);
      return true;
    });
    return rows;
  }

  void query_each(std::string_view sql, const params& p, const std::function<bool(const row&)>& each) override {
    in_use stmt(prepare(sql, p));
    std::vector<value> cols;
    for (;;) {
      int rc = sqlite3_step(stmt.get());
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) throw error_from(db_, rc, "step");
      int n = sqlite3_column_count(stmt.get());
      cols.clear();
      cols.reserve(n);
      for (int i = 0; i < n; ++i) cols.push_back(column(stmt.get(), i));
      row r(std::move(cols));
      if (!each(r)) break;
      cols = r.release();
    }
  }

  std::int64_t execute(std::string_view sql, const params& p) override {
    in_use stmt(prepare(sql, p));
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) throw error_from(db_, rc, "step");
    return sqlite3_changes64(db_);
  }

  // BEGIN, COMMIT and the like: no parameters, no rows.
  void command(std::string_view sql) { execute(sql, {}); }

  sqlite3* handle() const { return db_; }

 private:
  // A cached statement while a call steps it; reset on the way out, so that it holds no
  // read snapshot or lock and its text bindings are dropped.
  class in_use {
   public:
    explicit in_use(sqlite3_stmt* s) : s_(s) {}
    ~in_use() {
      sqlite3_reset(s_);
      sqlite3_clear_bindings(s_);
    }
    in_use(const in_use&) = delete;
    in_use& operator=(const in_use&) = delete;
    sqlite3_stmt* get() const { return s_; }

   private:
    sqlite3_stmt* s_;
  };

  // The statements run so far, by their text: the server runs the same few dozen statements
  // over and over, and parsing them anew was a tenth of its work while a fleet onboarded
  // (bench/onboarding). Bounded: a caller that builds SQL text on the fly (filters, paging)
  // cannot grow it without end; when full it starts over.
  sqlite3_stmt* cached(std::string_view sql) {
    if (auto found = statements_.find(sql); found != statements_.end()) return found->second.get();
    if (statements_.size() >= max_cached_statements) statements_.clear();
    sqlite3_stmt* raw = nullptr;
    int rc =
        sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(raw);
      throw error_from(db_, rc, "prepare");
    }
    statements_.emplace(std::string(sql), statement(raw));
    return raw;
  }

  sqlite3_stmt* prepare(std::string_view sql, const params& p) {
    sqlite3_stmt* raw = cached(sql);
    // "$1" is a named parameter to SQLite; bind each by looking up its name.
    for (std::size_t i = 0; i < p.size(); ++i) {
      char name[24];
      std::snprintf(name, sizeof name, "$%zu", i + 1);
      int index = sqlite3_bind_parameter_index(raw, name);
      if (index == 0) continue;  // parameter not used by this statement
      const value& v = p[i];
      int rc;
      if (std::holds_alternative<std::nullptr_t>(v))
        rc = sqlite3_bind_null(raw, index);
      else if (auto n = std::get_if<std::int64_t>(&v))
        rc = sqlite3_bind_int64(raw, index, *n);
      else if (auto d = std::get_if<double>(&v))
        rc = sqlite3_bind_double(raw, index, *d);
      else {
        const auto& s = std::get<std::string>(v);
        rc = sqlite3_bind_text64(raw, index, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      }
      if (rc != SQLITE_OK) {
        sqlite3_clear_bindings(raw);
        throw error_from(db_, rc, "bind");
      }
    }
    return raw;
  }

  static value column(sqlite3_stmt* s, int i) {
    switch (sqlite3_column_type(s, i)) {
      case SQLITE_NULL:
        return nullptr;
      case SQLITE_INTEGER:
        return static_cast<std::int64_t>(sqlite3_column_int64(s, i));
      case SQLITE_FLOAT:
        return sqlite3_column_double(s, i);
      default: {
        auto text = reinterpret_cast<const char*>(sqlite3_column_blob(s, i));
        return std::string(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
      }
    }
  }

  static constexpr std::size_t max_cached_statements = 256;

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, statement, text_hash, std::equal_to<>> statements_;
};

sqlite_database::sqlite_database(const std::string& path, int pool_size, const std::vector<migration>& migrations,
                                 bool synchronous_full)
    : path_(path), size_(pool_size) {
  create_owner_only(path, false);
  for (int i = 0; i < pool_size; ++i) {
    free_.push_back(std::make_unique<sqlite_connection>(path));
    if (synchronous_full) free_.back()->script("PRAGMA synchronous=FULL;");
  }
  auto& first = *free_.front();
  first.script(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL,"
      " applied_at BIGINT NOT NULL)");
  for (const migration& m : migrations) {
    first.script("BEGIN IMMEDIATE");
    try {
      if (first.query("SELECT 1 FROM schema_migrations WHERE version = $1", {m.version}).empty()) {
        first.script(std::string(m.sql));
        first.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2,"
            " CAST(strftime('%s','now') AS INTEGER) * 1000)",
            {m.version, std::string(m.name)});
      }
      first.script("COMMIT");
    } catch (...) {
      first.script("ROLLBACK");
      throw;
    }
  }
}

sqlite_database::~sqlite_database() = default;

// Holds a pooled connection and gives it back on every path out of a call.
struct sqlite_database::lease {
  explicit lease(sqlite_database& db) : db(db), conn(db.acquire()) {}
  ~lease() { db.release(std::move(conn)); }
  sqlite_database& db;
  std::unique_ptr<sqlite_connection> conn;
};

std::unique_ptr<sqlite_connection> sqlite_database::acquire() {
  std::unique_lock lock(mutex_);
  if (free_.empty()) {
    ++waits_;
    available_.wait(lock, [this] { return !free_.empty(); });
  }
  auto c = std::move(free_.back());
  free_.pop_back();
  ++in_use_;
  return c;
}

void sqlite_database::release(std::unique_ptr<sqlite_connection> c) {
  {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(c));
    --in_use_;
  }
  available_.notify_one();
}

void sqlite_database::transact(const char* begin, const std::function<void(connection&)>& fn) {
  lease held(*this);
  auto& c = held.conn;
  c->command(begin);
  try {
    fn(*c);
    c->command("COMMIT");
  } catch (...) {
    sqlite3_exec(c->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

// IMMEDIATE takes the write lock at BEGIN, so two writers never deadlock upgrading a read lock.
// Writers of this process queue on a mutex first: SQLite's own busy handler waits by sleeping
// (1, 2, 5 ... ms), so a writer that found the lock taken slept long after it was free; with
// fifty devices onboarding at once that was a thousand sleeps per five hundred devices.
void sqlite_database::write(const std::function<void(connection&)>& fn) {
  // A write inside another on the same thread would wait for itself on the mutex: say so.
  static thread_local const sqlite_database* writing = nullptr;
  if (writing == this)
    throw database_error(database_error::kind::other, "a write transaction was started inside another one");
  std::lock_guard one_writer(writer_);
  // Restores the marker of a write to another database this one may run inside.
  struct marked_writing {
    const sqlite_database* outer = std::exchange(writing, nullptr);
    explicit marked_writing(const sqlite_database* db) { writing = db; }
    ~marked_writing() { writing = outer; }
  } on_the_way_out(this);
  transact("BEGIN IMMEDIATE", fn);
}

void sqlite_database::read(const std::function<void(connection&)>& fn) {
  transact("BEGIN", fn);
}

pool_stats sqlite_database::stats() const {
  std::lock_guard lock(mutex_);
  return {size_, in_use_, waits_};
}

void sqlite_database::backup_to(const std::string& target) {
  lease held(*this);
  auto& c = held.conn;
  create_owner_only(target, true);  // a copy of the database is as private as the database
  sqlite3* dest = nullptr;
  int rc = sqlite3_open(target.c_str(), &dest);
  if (rc != SQLITE_OK) {
    auto err = error_from(dest, rc, "open backup target");
    sqlite3_close(dest);
    throw err;
  }
  sqlite3_backup* backup = sqlite3_backup_init(dest, "main", c->handle(), "main");
  if (!backup) {
    auto err = error_from(dest, SQLITE_ERROR, "backup");
    sqlite3_close(dest);
    throw err;
  }
  // Copy in steps so that writers are only briefly held up on a large database.
  do {
    rc = sqlite3_backup_step(backup, 256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(backup);
  int final_rc = sqlite3_errcode(dest);
  sqlite3_close(dest);
  if (rc != SQLITE_DONE || final_rc != SQLITE_OK) throw database_error(database_error::kind::other, "backup failed");
}

}  // namespace mothership::storage
