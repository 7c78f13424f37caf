// An exported audit report checked offline: intact, edited, reordered, filtered, not an export.
#include "audit/export_check.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <filesystem>

#include "audit/audit_log.hpp"
#include "storage/sqlite/sqlite_database.hpp"

using namespace mothership;
using namespace mothership::audit;
namespace fs = std::filesystem;

namespace {

class export_check_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ms_audit_export_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = std::make_unique<storage::sqlite_database>((dir_ / "a.db").string(), 2);
    log_ = std::make_unique<audit_log>(*db_);
    for (int i = 0; i < 5; ++i) {
      event e{{"user", "usr_" + std::to_string(i)},
              "device.label",
              "device",
              "dev_" + std::to_string(i % 2),
              outcome::success,
              "10.0.0.1",
              {}};
      e.details["value"] = i * 0.5;
      e.details["text"] = "a \"quoted\" \u00e9 text";
      log_->append(e);
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The lines the audit report kind writes (newest first), as NDJSON.
  std::vector<std::string> exported(std::optional<std::string> target_id = std::nullopt) {
    filter f;
    f.limit = 100;
    f.target_id = std::move(target_id);
    std::vector<std::string> lines;
    for (const auto& e : log_->find(f).items)
      lines.push_back(boost::json::serialize(boost::json::object{{"id", e.id},
                                                                 {"time", "2026-01-01T00:00:00Z"},
                                                                 {"time_ms", e.time},
                                                                 {"actor_type", e.what.by.type},
                                                                 {"actor_id", e.what.by.id},
                                                                 {"action", e.what.action},
                                                                 {"target_type", e.what.target_type},
                                                                 {"target_id", e.what.target_id},
                                                                 {"result", to_string(e.what.result)},
                                                                 {"source", e.what.source},
                                                                 {"details", canonical_json(e.what.details)},
                                                                 {"prev_hash", e.prev_hash},
                                                                 {"hash", e.hash}}));
    return lines;
  }

  static export_report check(const std::vector<std::string>& lines) {
    std::size_t next = 0;
    return check_export([&]() -> std::optional<std::string> {
      if (next == lines.size()) return std::nullopt;
      return lines[next++];
    });
  }

  fs::path dir_;
  std::unique_ptr<storage::sqlite_database> db_;
  std::unique_ptr<audit_log> log_;
};

TEST_F(export_check_test, an_intact_export_checks_with_every_link_and_names_its_newest_hash) {
  auto lines = exported();
  auto r = check(lines);
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.entries, 5);
  EXPECT_EQ(r.links, 4);
  EXPECT_EQ(r.gaps, 0);
  EXPECT_EQ(r.newest_id, 5);
  filter f;
  EXPECT_EQ(r.newest_hash, log_->find(f).items.front().hash);
}

TEST_F(export_check_test, an_edited_field_is_found_and_named) {
  auto lines = exported();
  auto at = lines[2].find("usr_2");
  ASSERT_NE(at, std::string::npos);
  lines[2].replace(at, 5, "usr_9");
  auto r = check(lines);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.first_bad_id, 3);
  EXPECT_EQ(r.first_bad_line, 3);
  EXPECT_NE(r.reason.find("modified"), std::string::npos);
}

TEST_F(export_check_test, a_forged_entry_with_a_fresh_hash_breaks_the_link_to_the_next) {
  auto lines = exported();
  // Entry 3 rewritten and re-hashed by someone who knows the scheme: its own hash checks, but
  // entry 4 still names the old one.
  filter f;
  f.limit = 100;
  auto entries = log_->find(f).items;
  auto& e3 = entries[2];
  e3.what.by.id = "usr_forger";
  auto details = canonical_json(e3.what.details);
  auto forged_hash = chain_hash(e3.prev_hash, e3.id, e3.time, e3.what, details);
  lines[2] = boost::json::serialize(boost::json::object{{"id", e3.id},
                                                        {"time_ms", e3.time},
                                                        {"actor_type", "user"},
                                                        {"actor_id", "usr_forger"},
                                                        {"action", e3.what.action},
                                                        {"target_type", e3.what.target_type},
                                                        {"target_id", e3.what.target_id},
                                                        {"result", "success"},
                                                        {"source", e3.what.source},
                                                        {"details", details},
                                                        {"prev_hash", e3.prev_hash},
                                                        {"hash", forged_hash}});
  auto r = check(lines);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.first_bad_id, 4);
  EXPECT_NE(r.reason.find("does not follow"), std::string::npos);
}

TEST_F(export_check_test, a_filtered_export_has_gaps_not_errors) {
  auto r = check(exported("dev_1"));  // entries 2 and 4
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.entries, 2);
  EXPECT_EQ(r.links, 0);
  EXPECT_EQ(r.gaps, 1);
}

TEST_F(export_check_test, what_is_not_an_audit_export_is_refused) {
  EXPECT_NE(check({"id,time,actor_type"}).reason.find("NDJSON"), std::string::npos);
  EXPECT_NE(check({R"({"id": 1})"}).reason.find("chain hashes"), std::string::npos);
  EXPECT_FALSE(check({}).ok());
  auto lines = exported();
  lines.push_back(lines[0]);
  EXPECT_NE(check(lines).reason.find("twice"), std::string::npos);
}

}  // namespace
