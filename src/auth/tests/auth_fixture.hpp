#pragma once
// A real SQLite file in a temp dir with the auth services wired as the server wires them.
#include <gtest/gtest.h>

#include <filesystem>

#include "audit/audit_log.hpp"
#include "auth/session_service.hpp"
#include "auth/user_service.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace mothership::auth::testing {

class auth_fixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ms_auth_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<storage::sqlite_database>((dir_ / "db").string(), 2);
    audit_ = std::make_unique<audit::audit_log>(*db_);
    users_ = std::make_unique<user_service>(*db_, *audit_);
    tokens_ = std::make_unique<access_token_codec>(signing_key::generate(), "ms", "api", 900);
    throttle_ = std::make_unique<login_throttle>(3, 60);
    revoked_ = std::make_unique<revoked_tokens>(*db_, common::now_ms() / 1000);
    sessions_ = std::make_unique<session_service>(*db_, *audit_, *users_, *tokens_, *throttle_, *revoked_, 3600);
    ASSERT_TRUE(users_->ensure_first_admin(admin_password, {}));
    admin_id_ = users_->list("", 10).items.front().id;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<std::string> audit_actions() {
    std::vector<std::string> out;
    for (const auto& e : audit_->find({.limit = 500}).items) out.insert(out.begin(), e.what.action);
    return out;
  }

  static constexpr const char* admin_password = "first-root-password";
  requester by_admin() const { return {admin_id_, "127.0.0.1"}; }

  std::filesystem::path dir_;
  std::unique_ptr<storage::sqlite_database> db_;
  std::unique_ptr<audit::audit_log> audit_;
  std::unique_ptr<user_service> users_;
  std::unique_ptr<access_token_codec> tokens_;
  std::unique_ptr<login_throttle> throttle_;
  std::unique_ptr<revoked_tokens> revoked_;
  std::unique_ptr<session_service> sessions_;
  std::string admin_id_;
};

}  // namespace mothership::auth::testing
