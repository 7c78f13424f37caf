#pragma once
// A telemetry database of its own in a temporary directory, for each test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "storage/migrations.hpp"
#include "storage/sqlite/sqlite_database.hpp"
#include "telemetry/telemetry_store.hpp"

namespace mothership::telemetry::testing {

class telemetry_fixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ms_telemetry_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<storage::sqlite_database>((dir_ / "telemetry.db").string(), 3,
                                                     storage::telemetry_sqlite_migrations());
    store_ = std::make_unique<telemetry_store>(*db_);
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::int64_t count(const char* table) {
    return db_->read_result(
        [&](storage::connection& c) { return c.query_one(std::string("SELECT COUNT(*) FROM ") + table)->integer(0); });
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::sqlite_database> db_;
  std::unique_ptr<telemetry_store> store_;
};

}  // namespace mothership::telemetry::testing
