#include "audit/audit_log.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>

#include "storage/sqlite/sqlite_database.hpp"

using namespace mothership;
using namespace mothership::audit;
namespace fs = std::filesystem;

namespace {

class audit_log_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ms_audit_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = std::make_unique<storage::sqlite_database>((dir_ / "a.db").string(), 2);
    log_ = std::make_unique<audit_log>(*db_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  event login(std::string user, outcome result) {
    event e{{"user", user}, "auth.login", "user", user, result, "127.0.0.1", {}};
    e.details["reason"] = result == outcome::success ? "ok" : "bad_password";
    return e;
  }
  // Simulates someone editing the database file behind the server's back.
  void tamper(const std::string& sql) {
    db_->write([&](storage::connection& c) {
      c.execute("DROP TRIGGER IF EXISTS audit_log_no_update");
      c.execute("DROP TRIGGER IF EXISTS audit_log_no_delete");
      c.execute(sql);
    });
  }

  fs::path dir_;
  std::unique_ptr<storage::sqlite_database> db_;
  std::unique_ptr<audit_log> log_;
};

}  // namespace

TEST(canonical_json, sorts_keys_at_every_depth) {
  auto v = boost::json::parse(R"({"b":1,"a":{"d":[{"z":1,"y":2}],"c":"x"}})");
  EXPECT_EQ(canonical_json(v), R"({"a":{"c":"x","d":[{"y":2,"z":1}]},"b":1})");
}

TEST_F(audit_log_test, entries_chain_to_their_predecessor) {
  auto first = log_->append(login("alice", outcome::success));
  auto second = log_->append(login("bob", outcome::failure));
  EXPECT_EQ(first.id, 1);
  EXPECT_EQ(first.prev_hash, std::string(64, '0'));
  EXPECT_EQ(second.prev_hash, first.hash);
  auto report = log_->verify();
  EXPECT_TRUE(report.ok()) << report.reason;
  EXPECT_EQ(report.checked, 2);
}

TEST_F(audit_log_test, verify_names_an_edited_entry) {
  for (int i = 0; i < 5; ++i) log_->append(login("u" + std::to_string(i), outcome::success));
  tamper("UPDATE audit_log SET result = 'failure' WHERE id = 3");
  auto report = log_->verify();
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.first_bad_id, 3);
  EXPECT_NE(report.reason.find("modified"), std::string::npos);
}

TEST_F(audit_log_test, verify_names_a_deleted_entry) {
  for (int i = 0; i < 5; ++i) log_->append(login("u" + std::to_string(i), outcome::success));
  tamper("DELETE FROM audit_log WHERE id = 2");
  auto report = log_->verify();
  EXPECT_EQ(report.first_bad_id, 2);
}

TEST_F(audit_log_test, verify_notices_entries_cut_from_the_end) {
  for (int i = 0; i < 5; ++i) log_->append(login("u" + std::to_string(i), outcome::success));
  tamper("DELETE FROM audit_log WHERE id = 5");
  auto report = log_->verify();
  EXPECT_EQ(report.first_bad_id, 5);
}

TEST_F(audit_log_test, verify_notices_edited_details) {
  log_->append(login("alice", outcome::success));
  tamper("UPDATE audit_log SET details = '{\"reason\":\"forged\"}' WHERE id = 1");
  EXPECT_EQ(log_->verify().first_bad_id, 1);
}

TEST_F(audit_log_test, find_filters_and_pages_newest_first) {
  for (int i = 0; i < 7; ++i) log_->append(login(i % 2 ? "bob" : "alice", i < 5 ? outcome::success : outcome::failure));
  filter f;
  f.actor_id = "alice";
  f.limit = 2;
  auto p1 = log_->find(f);
  ASSERT_EQ(p1.items.size(), 2u);
  EXPECT_EQ(p1.items[0].id, 7);
  EXPECT_EQ(p1.items[1].id, 5);
  ASSERT_TRUE(p1.next_before_id);
  f.before_id = p1.next_before_id;
  auto p2 = log_->find(f);
  ASSERT_EQ(p2.items.size(), 2u);
  EXPECT_EQ(p2.items[1].id, 1);
  EXPECT_FALSE(p2.next_before_id);

  filter failures;
  failures.result = outcome::failure;
  EXPECT_EQ(log_->find(failures).items.size(), 2u);
}

TEST_F(audit_log_test, filter_values_are_data_not_sql) {
  log_->append(login("alice", outcome::success));
  filter f;
  f.actor_id = "alice' OR '1'='1";
  EXPECT_TRUE(log_->find(f).items.empty());
  f.actor_id.reset();
  f.action = "x\"; DROP TABLE audit_log; --";
  EXPECT_TRUE(log_->find(f).items.empty());
  EXPECT_TRUE(log_->verify().ok());
}

TEST_F(audit_log_test, time_range_is_inclusive) {
  auto e = log_->append(login("alice", outcome::success));
  filter f;
  f.since = e.time;
  f.until = e.time;
  EXPECT_EQ(log_->find(f).items.size(), 1u);
  f.since = e.time + 1;
  f.until.reset();
  EXPECT_TRUE(log_->find(f).items.empty());
}
