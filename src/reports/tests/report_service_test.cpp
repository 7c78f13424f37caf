#include "reports/report_service.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "blob/filesystem_store.hpp"
#include "common/clock.hpp"
#include "storage/sqlite/sqlite_database.hpp"

using namespace mothership;
using namespace mothership::reports;
namespace fs = std::filesystem;

namespace {

// `rows` rows of (n, name); throws at row `fail_at` when set. Filters: {"rows": N} optional.
class counting_source : public report_source {
 public:
  std::optional<std::string> check(const boost::json::object& f) const override {
    if (auto* n = f.if_contains("rows"); n && !n->is_int64()) return std::string("rows must be an integer");
    for (const auto& [k, v] : f)
      if (k != "rows") return "unknown filter " + std::string(k);
    return std::nullopt;
  }
  std::vector<std::string> columns() const override { return {"n", "name"}; }
  void each(const boost::json::object& f, const std::function<bool(const std::vector<cell>&)>& row) override {
    std::int64_t rows = f.contains("rows") ? f.at("rows").as_int64() : 3;
    for (std::int64_t i = 0; i < rows; ++i) {
      if (fail_at && i == *fail_at) throw std::runtime_error("the source broke");
      if (!row({i, std::string(i == 1 ? "=1+1" : "x")})) return;
    }
  }
  std::optional<std::int64_t> fail_at;
};

class report_service_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ms_reports_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = std::make_unique<storage::sqlite_database>((dir_ / "db").string(), 2);
    audit_ = std::make_unique<audit::audit_log>(*db_);
    links_ = std::make_unique<blob::download_links>(std::array<unsigned char, 32>{});
    blobs_ = std::make_unique<blob::filesystem_store>(dir_ / "blobs", *links_);
    service_ = std::make_unique<report_service>(*db_, *audit_, *blobs_, report_settings{});
    auto source = std::make_unique<counting_source>();
    source_ = source.get();
    service_->add_kind("counting", std::move(source));
    service_->start();
  }
  void TearDown() override {
    service_.reset();
    fs::remove_all(dir_);
  }
  std::string contents(const report& r) {
    auto reader = blobs_->open(*r.blob_id, 0, blob::store::to_end);
    std::string out;
    char buffer[4096];
    while (std::size_t n = (*reader)->read(buffer, sizeof buffer)) out.append(buffer, n);
    return out;
  }
  std::vector<std::string> audit_actions() {
    std::vector<std::string> out;
    for (const auto& e : audit_->find({}).items) out.push_back(e.what.action);
    return out;
  }

  audit::change_author by_{{"user", "usr_a"}, "127.0.0.1"};
  fs::path dir_;
  std::unique_ptr<storage::sqlite_database> db_;
  std::unique_ptr<audit::audit_log> audit_;
  std::unique_ptr<blob::download_links> links_;
  std::unique_ptr<blob::filesystem_store> blobs_;
  std::unique_ptr<report_service> service_;
  counting_source* source_ = nullptr;
};

}  // namespace

TEST_F(report_service_test, a_report_is_generated_into_the_blob_store_and_offered_by_link) {
  auto r = service_->create(by_, "usr_a", {"counting", "csv", false, {{"rows", 3}}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, status::queued);
  service_->wait_idle();
  auto done = service_->find("usr_a", r->id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, status::ready);
  EXPECT_EQ(done->rows, 3);
  EXPECT_EQ(contents(*done), "n,name\r\n0,x\r\n1,'=1+1\r\n2,x\r\n");
  auto url = service_->download_url("usr_a", r->id);
  ASSERT_TRUE(url);
  EXPECT_NE(url->find("/dl/"), std::string::npos);
  EXPECT_TRUE(service_->note_download(*done->blob_id, "usr_a", "127.0.0.1"));
  EXPECT_EQ(audit_actions(), (std::vector<std::string>{"report.downloaded", "report.generated", "report.requested"}));
}

TEST_F(report_service_test, requests_that_cannot_be_made_are_refused_with_the_reason) {
  EXPECT_EQ(service_->create(by_, "usr_a", {"nonsense", "csv", false, {}}).error().code, errc::unknown_kind);
  EXPECT_EQ(service_->create(by_, "usr_a", {"counting", "xlsx", false, {}}).error().code, errc::invalid_format);
  auto bad = service_->create(by_, "usr_a", {"counting", "csv", false, {{"rows", "' OR 1=1 --"}}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::invalid_filters);
  EXPECT_EQ(bad.error().detail, "rows must be an integer");
  EXPECT_TRUE(audit_actions().empty());
}

TEST_F(report_service_test, another_users_report_is_not_found_and_a_running_one_not_downloadable) {
  source_->fail_at = std::nullopt;
  auto r = service_->create(by_, "usr_a", {"counting", "ndjson", true, {{"rows", 2000000}}});
  ASSERT_TRUE(r);
  EXPECT_EQ(service_->find("usr_b", r->id).error().code, errc::report_not_found);
  auto early = service_->download_url("usr_a", r->id);
  if (!early) {
    EXPECT_EQ(early.error().code, errc::report_not_ready);  // unless it was very quick
  }
  service_->wait_idle();
  EXPECT_TRUE(service_->download_url("usr_a", r->id));
  EXPECT_EQ(service_->download_url("usr_b", r->id).error().code, errc::report_not_found);
}

TEST_F(report_service_test, a_source_that_fails_leaves_a_failed_report_and_no_blob) {
  source_->fail_at = 1;
  auto r = service_->create(by_, "usr_a", {"counting", "csv", false, {}});
  service_->wait_idle();
  auto done = service_->find("usr_a", r->id);
  EXPECT_EQ(done->status, status::failed);
  EXPECT_EQ(done->error.value_or(""), "the source broke");
  EXPECT_FALSE(done->blob_id);
  EXPECT_EQ(service_->download_url("usr_a", r->id).error().code, errc::report_unavailable);
}

TEST_F(report_service_test, reports_past_their_retention_are_deleted) {
  auto r = service_->create(by_, "usr_a", {"counting", "json", false, {}});
  service_->wait_idle();
  auto blob = *service_->find("usr_a", r->id)->blob_id;
  EXPECT_EQ(service_->sweep(common::now_ms()), 0u);
  EXPECT_EQ(service_->sweep(common::now_ms() + 8LL * 86'400'000), 1u);
  EXPECT_EQ(service_->find("usr_a", r->id)->status, status::expired);
  EXPECT_FALSE(blobs_->stat(blob));
  EXPECT_EQ(service_->download_url("usr_a", r->id).error().code, errc::report_unavailable);
}
