#include "auth/revoked_tokens.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "storage/sqlite/sqlite_database.hpp"

using namespace mothership;
using namespace mothership::auth;

namespace {

class revoked_tokens_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ms_revoked_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<storage::sqlite_database>((dir_ / "db").string(), 2);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void revoke(revoked_tokens& list, const std::string& jti, std::int64_t exp, std::int64_t now) {
    db_->write([&](storage::connection& c) { list.revoke(c, jti, "usr_1", exp, now); });
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::sqlite_database> db_;
};

}  // namespace

TEST_F(revoked_tokens_test, a_revoked_token_stays_revoked_across_a_restart_until_it_expires) {
  revoked_tokens list(*db_, 1000);
  revoke(list, "j1", 1900, 1000);
  EXPECT_TRUE(list.contains("j1"));
  EXPECT_FALSE(list.contains("j2"));
  revoked_tokens after_restart(*db_, 1500);
  EXPECT_TRUE(after_restart.contains("j1"));
  revoked_tokens after_expiry(*db_, 1900);  // the token is refused as expired by then anyway
  EXPECT_FALSE(after_expiry.contains("j1"));
}

TEST_F(revoked_tokens_test, expired_entries_are_dropped_from_memory_and_table) {
  revoked_tokens list(*db_, 1000);
  revoke(list, "old", 1100, 1000);
  revoke(list, "new", 5000, 2000);  // a minute past the last prune: "old" goes
  EXPECT_FALSE(list.contains("old"));
  EXPECT_TRUE(list.contains("new"));
  EXPECT_EQ(list.size(), 1u);
  auto rows = db_->read_result([](storage::connection& c) { return c.query("SELECT jti FROM revoked_access_tokens"); });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text(0), "new");
}
