#include "registry/registry_service.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "registry/device_store.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace mothership::registry {
namespace {

class registry_service_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ms_registry_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<storage::sqlite_database>((dir_ / "db").string(), 2);
    audit_ = std::make_unique<audit::audit_log>(*db_);
    codes_ = std::make_unique<claim_codes>(claim_codes::load_or_create((dir_ / "claim.key").string()));
    service_ = std::make_unique<registry_service>(*db_, *audit_, *codes_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  change_author admin() const { return {{"user", "usr_admin"}, "127.0.0.1"}; }
  std::int64_t record_count() {
    return db_->read_result(
        [](storage::connection& c) { return c.query_one("SELECT COUNT(*) FROM manufacturing_records")->integer(0); });
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::sqlite_database> db_;
  std::unique_ptr<audit::audit_log> audit_;
  std::unique_ptr<claim_codes> codes_;
  std::unique_ptr<registry_service> service_;
};

TEST_F(registry_service_test, imports_records_with_hashed_claim_codes_and_audits_the_batch) {
  auto result = service_->import_csv("SN-1,Thermo,r1,SECRET-CODE-1\nSN-2,Thermo,r1,SECRET-CODE-2\n", "b1", admin());
  ASSERT_TRUE(result.errors.empty());
  EXPECT_EQ(result.imported, 2);
  auto r = service_->find("SN-1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, record_status::manufactured);
  EXPECT_EQ(r->batch, "b1");
  ASSERT_TRUE(r->claim_code_hash);
  EXPECT_EQ(r->claim_code_hash->find("SECRET"), std::string::npos);
  EXPECT_TRUE(codes_->matches("SN-1", "SECRET-CODE-1", *r->claim_code_hash));
  EXPECT_FALSE(codes_->matches("SN-1", "SECRET-CODE-2", *r->claim_code_hash));
  EXPECT_FALSE(codes_->matches("SN-2", "SECRET-CODE-1", *r->claim_code_hash));  // bound to its serial
  auto entries = audit_->find({.action = std::string("registry.import")}).items;
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].what.details.at("imported").as_int64(), 2);
}

TEST_F(registry_service_test, an_import_with_bad_lines_changes_nothing_and_names_each_line) {
  ASSERT_TRUE(service_->import_csv("SN-1,Thermo,r1,SECRET-CODE-1\n", "", admin()).errors.empty());
  auto result =
      service_->import_csv("SN-2,Thermo,r1,SECRET-CODE-2\nSN-1,Thermo,r1,OTHER-CODE\nSN-3,Thermo\n", "", admin());
  EXPECT_EQ(result.imported, 0);
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_EQ(result.errors[0].line, 2u);
  EXPECT_EQ(result.errors[0].reason, "duplicate serial SN-1: already in the registry");
  EXPECT_EQ(result.errors[1].line, 3u);
  EXPECT_EQ(record_count(), 1);
  EXPECT_FALSE(service_->find("SN-2"));
}

TEST_F(registry_service_test, the_claim_key_file_is_private_and_stable) {
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "claim.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto again = claim_codes::load_or_create((dir_ / "claim.key").string());
  EXPECT_EQ(again.hash("SN", "CODE-123"), codes_->hash("SN", "CODE-123"));
}

TEST_F(registry_service_test, lockout_counts_and_an_admin_lifts_it) {
  ASSERT_TRUE(service_->import_csv("SN-1,Thermo,r1,SECRET-CODE-1\n", "", admin()).errors.empty());
  record_store::claim_failure f;
  auto now = common::now_ms();
  for (int i = 0; i < 3; ++i)
    f = db_->write_result([&](storage::connection& c) {
      return record_store::record_claim_failure(c, "SN-1", {3, 900, 86400}, now);
    });
  EXPECT_TRUE(f.locked_now);
  EXPECT_EQ(f.record.claim_failures, 3);
  EXPECT_EQ(f.record.locked_until, now + 900'000);
  EXPECT_EQ(f.record.lock_count, 1);
  EXPECT_TRUE(service_->find("SN-1")->locked(now));
  EXPECT_TRUE(service_->unlock("SN-1", admin()));
  EXPECT_FALSE(service_->find("SN-1")->locked_until);
  EXPECT_EQ(service_->find("SN-1")->lock_count, 0);
  EXPECT_EQ(service_->unlock("nope", admin()).error(), errc::record_not_found);
}

TEST_F(registry_service_test, only_a_decommissioned_record_can_be_re_enabled) {
  ASSERT_TRUE(service_->import_csv("SN-1,Thermo,r1,SECRET-CODE-1\n", "", admin()).errors.empty());
  EXPECT_EQ(service_->re_enable("SN-1", admin()).error(), errc::not_decommissioned);
  EXPECT_EQ(service_->re_enable("nope", admin()).error(), errc::record_not_found);
  db_->write([](storage::connection& c) {
    record_store::set_status(c, "SN-1", record_status::decommissioned, std::string("dev_x"), 1);
  });
  EXPECT_TRUE(service_->re_enable("SN-1", admin()));
  auto r = service_->find("SN-1");
  EXPECT_EQ(r->status, record_status::manufactured);
  EXPECT_FALSE(r->device_id);
}

TEST_F(registry_service_test, search_takes_percent_and_underscore_literally) {
  // Serials may hold '_' but not '%'; models may hold either.
  ASSERT_TRUE(service_
                  ->import_csv("SN_2,Thermo,r1,SECRET-CODE-2\nSNX3,Thermo,r1,SECRET-CODE-3\n"
                               "SN-4,Thermo 100%,r1,SECRET-CODE-4\nSN-5,Thermo,r1,SECRET-CODE-5\n",
                               "b1", admin())
                  .errors.empty());
  auto serials = [&](std::string q) {
    std::vector<std::string> out;
    for (const auto& r : service_->list({.search = std::move(q)})) out.push_back(r.serial);
    return out;
  };
  EXPECT_EQ(serials("%"), std::vector<std::string>{"SN-4"});
  EXPECT_EQ(serials("_"), std::vector<std::string>{"SN_2"});
  EXPECT_EQ(serials("SN_"), std::vector<std::string>{"SN_2"});
  EXPECT_EQ(serials("\\"), std::vector<std::string>{});
  EXPECT_EQ(serials("SN").size(), 4u);
}

TEST_F(registry_service_test, device_search_takes_percent_and_underscore_literally) {
  db_->write([](storage::connection& c) {
    for (const char* serial : {"D-50%", "D_1", "DX1"}) {
      device d;
      d.id = std::string("dev_") + serial;
      d.serial = serial;
      d.model = "Thermo";
      device_store::insert(c, d);
    }
  });
  auto serials = [&](std::string q) {
    return db_->read_result([&](storage::connection& c) {
      std::vector<std::string> out;
      for (const auto& d : device_store::list(c, {.search = q})) out.push_back(d.serial);
      return out;
    });
  };
  EXPECT_EQ(serials("%"), std::vector<std::string>{"D-50%"});
  EXPECT_EQ(serials("D_"), std::vector<std::string>{"D_1"});
  EXPECT_EQ(serials("D").size(), 3u);
}

}  // namespace
}  // namespace mothership::registry
