#include "storage/sqlite/sqlite_database.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <thread>

#include "storage/migrations.hpp"

using namespace mothership::storage;
namespace fs = std::filesystem;

namespace {
class sqlite_database_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ms_storage_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path() const { return (dir_ / "test.db").string(); }
  fs::path dir_;
};
}  // namespace

TEST_F(sqlite_database_test, migrations_are_applied_once_and_recorded) {
  { sqlite_database db(path(), 2); }
  sqlite_database db(path(), 2);  // reopening must not re-run them
  auto versions =
      db.read_result([](connection& c) { return c.query("SELECT version FROM schema_migrations ORDER BY version"); });
  ASSERT_FALSE(versions.empty());
  EXPECT_EQ(versions.front().integer(0), 1);
  EXPECT_EQ(versions.size(), sqlite_migrations().size());
}

TEST_F(sqlite_database_test, numbered_parameters_and_types_round_trip) {
  sqlite_database db(path(), 1);
  db.write([](connection& c) {
    c.execute("CREATE TABLE t (a TEXT, b BIGINT, c TEXT)");
    c.execute("INSERT INTO t (a, b, c) VALUES ($1, $2, $3)",
              {std::string("x'; DROP TABLE t; --"), std::int64_t{42}, nullptr});
  });
  auto r = db.read_result(
      [](connection& c) { return c.query_one("SELECT a, b, c FROM t WHERE b = $1", {std::int64_t{42}}); });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->text(0), "x'; DROP TABLE t; --");
  EXPECT_EQ(r->integer(1), 42);
  EXPECT_TRUE(r->is_null(2));
}

// Statements are kept prepared by their text: the same text must bind afresh each time, see
// rows a later write made, survive a schema change, and leave no lock behind when it fails.
TEST_F(sqlite_database_test, a_statement_run_again_binds_afresh_and_sees_schema_changes) {
  sqlite_database db(path(), 1);
  db.write([](connection& c) { c.execute("CREATE TABLE t (a BIGINT, b TEXT)"); });
  for (std::int64_t i = 0; i < 3; ++i)
    db.write([&](connection& c) { c.execute("INSERT INTO t (a, b) VALUES ($1, $2)", {i, std::string("v")}); });
  auto count_of = [&](std::int64_t a) {
    return db.read_result([&](connection& c) {
      return c.query("SELECT a FROM t WHERE a = $1 OR $1 IS NULL", {a == -1 ? value(nullptr) : value(a)}).size();
    });
  };
  EXPECT_EQ(count_of(1), 1u);
  EXPECT_EQ(count_of(-1), 3u);  // the NULL bound this time, not the 1 of the last run
  db.write([](connection& c) { c.execute("ALTER TABLE t ADD COLUMN c TEXT DEFAULT 'new'"); });
  auto row =
      db.read_result([](connection& c) { return c.query_one("SELECT * FROM t WHERE a = $1", {std::int64_t{2}}); });
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->text(2), "new");
  EXPECT_THROW(db.write([](connection& c) { c.execute("INSERT INTO missing VALUES ($1)", {std::int64_t{1}}); }),
               database_error);
  db.write([](connection& c) {
    c.execute("INSERT INTO t (a, b) VALUES ($1, $2)", {std::int64_t{9}, std::string("w")});
  });
  EXPECT_EQ(count_of(-1), 4u);
}

TEST_F(sqlite_database_test, a_throwing_write_leaves_nothing_behind) {
  sqlite_database db(path(), 1);
  db.write([](connection& c) { c.execute("CREATE TABLE t (a TEXT UNIQUE)"); });
  EXPECT_THROW(db.write([](connection& c) {
    c.execute("INSERT INTO t (a) VALUES ('one')");
    c.execute("INSERT INTO t (a) VALUES ('one')");  // unique violation
  }),
               database_error);
  auto n = db.read_result([](connection& c) { return c.query_one("SELECT COUNT(*) FROM t")->integer(0); });
  EXPECT_EQ(n, 0);
}

TEST_F(sqlite_database_test, constraint_violations_are_classified) {
  sqlite_database db(path(), 1);
  db.write([](connection& c) {
    c.execute("CREATE TABLE t (a TEXT UNIQUE)");
    c.execute("INSERT INTO t VALUES ('x')");
  });
  try {
    db.write([](connection& c) { c.execute("INSERT INTO t VALUES ('x')"); });
    FAIL();
  } catch (const database_error& e) {
    EXPECT_EQ(e.which(), database_error::kind::constraint);
  }
}

TEST_F(sqlite_database_test, concurrent_writers_are_serialised_without_loss) {
  sqlite_database db(path(), 4);
  db.write([](connection& c) {
    c.execute("CREATE TABLE counter (n BIGINT)");
    c.execute("INSERT INTO counter VALUES (0)");
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) db.write([](connection& c) { c.execute("UPDATE counter SET n = n + 1"); });
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(db.read_result([](connection& c) { return c.query_one("SELECT n FROM counter")->integer(0); }), 200);
}

// Writers queue on a mutex: a write started inside another on the same thread would wait for
// itself forever. It is refused instead, and the outer write carries on.
TEST_F(sqlite_database_test, a_write_inside_a_write_is_refused_not_deadlocked) {
  sqlite_database db(path(), 2);
  db.write([](connection& c) { c.execute("CREATE TABLE t (a TEXT)"); });
  db.write([&](connection& c) {
    c.execute("INSERT INTO t VALUES ('outer')");
    EXPECT_THROW(db.write([](connection& inner) { inner.execute("INSERT INTO t VALUES ('inner')"); }), database_error);
  });
  db.write([](connection& c) { c.execute("INSERT INTO t VALUES ('after')"); });
  // A write to another database may run inside; after it, this one's is still known.
  sqlite_database other((dir_ / "other.db").string(), 1);
  db.write([&](connection&) {
    other.write([](connection& c) { c.execute("CREATE TABLE u (a TEXT)"); });
    EXPECT_THROW(db.write([](connection&) {}), database_error);
  });
  EXPECT_EQ(db.read_result([](connection& c) { return c.query_one("SELECT group_concat(a) FROM t")->text(0); }),
            "outer,after");
}

TEST_F(sqlite_database_test, audit_rows_cannot_be_changed_through_sql) {
  sqlite_database db(path(), 1);
  db.write([](connection& c) {
    c.execute("INSERT INTO audit_log VALUES (1, 0, 'system', '', 'x', '', '', 'success', '', '{}', '', '')");
  });
  EXPECT_THROW(db.write([](connection& c) { c.execute("UPDATE audit_log SET action = 'y'"); }), database_error);
  EXPECT_THROW(db.write([](connection& c) { c.execute("DELETE FROM audit_log"); }), database_error);
}

TEST_F(sqlite_database_test, online_backup_copies_the_data) {
  sqlite_database db(path(), 1);
  db.write([](connection& c) {
    c.execute("CREATE TABLE t (a TEXT)");
    c.execute("INSERT INTO t VALUES ('kept')");
  });
  std::string copy = (dir_ / "backup.db").string();
  db.backup_to(copy);
  sqlite_database restored(copy, 1);
  EXPECT_EQ(restored.read_result([](connection& c) { return c.query_one("SELECT a FROM t")->text(0); }), "kept");
}

namespace {
fs::perms mode_of(const fs::path& p) {
  return fs::status(p).permissions() & fs::perms::mask;
}

// Sets the umask for one scope: the loose default of most systems.
struct scoped_umask {
  explicit scoped_umask(mode_t m) : old(::umask(m)) {}
  ~scoped_umask() { ::umask(old); }
  mode_t old;
};
}  // namespace

TEST_F(sqlite_database_test, the_database_and_its_wal_and_shm_are_owner_only_under_a_loose_umask) {
  scoped_umask loose(022);
  sqlite_database db(path(), 1);
  db.write([](connection& c) { c.execute("CREATE TABLE t (a TEXT)"); });
  for (const auto* suffix : {"", "-wal", "-shm"}) {
    ASSERT_TRUE(fs::exists(path() + suffix)) << suffix;
    EXPECT_EQ(mode_of(path() + suffix), fs::perms::owner_read | fs::perms::owner_write) << suffix;
  }
}

TEST_F(sqlite_database_test, a_backup_is_owner_only_and_never_overwrites) {
  scoped_umask loose(022);
  sqlite_database db(path(), 1);
  std::string copy = (dir_ / "backup.db").string();
  db.backup_to(copy);
  EXPECT_EQ(mode_of(copy), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_THROW(db.backup_to(copy), database_error);
}
