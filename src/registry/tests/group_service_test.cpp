#include "registry/group_service.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "registry/device_store.hpp"
#include "registry/group_store.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace mothership::registry {
namespace {

class group_service_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ms_groups_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<storage::sqlite_database>((dir_ / "db").string(), 2);
    audit_ = std::make_unique<audit::audit_log>(*db_);
    groups_ = std::make_unique<group_service>(*db_, *audit_);
    db_->write([](storage::connection& c) {
      for (const char* id : {"dev_a", "dev_b", "dev_c"}) {
        device d;
        d.id = id;
        d.serial = std::string("SN-") + id;
        d.model = "Thermo";
        d.hw_revision = "r1";
        device_store::insert(c, d);
      }
    });
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  change_author admin() const { return {{"user", "usr_admin"}, "127.0.0.1"}; }
  std::vector<std::string> audited(const std::string& action) {
    std::vector<std::string> out;
    for (const auto& e : audit_->find({.action = action, .limit = 100}).items) out.push_back(e.what.target_id);
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::sqlite_database> db_;
  std::unique_ptr<audit::audit_log> audit_;
  std::unique_ptr<group_service> groups_;
};

TEST_F(group_service_test, creates_finds_renames_and_deletes_a_group_and_audits_each_change) {
  auto g = groups_->create("  Roof sensors ", "on the roof", admin());
  ASSERT_TRUE(g) << g.error().message();
  EXPECT_EQ(g->name, "Roof sensors");
  EXPECT_EQ(g->id.rfind("grp_", 0), 0u);
  EXPECT_EQ(g->created_by, "usr_admin");
  EXPECT_EQ(groups_->find(g->id)->description, "on the roof");

  auto renamed = groups_->update(g->id, {.name = "Roof", .description = std::nullopt}, admin());
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->name, "Roof");
  EXPECT_EQ(renamed->description, "on the roof");

  ASSERT_TRUE(groups_->remove(g->id, admin()));
  EXPECT_EQ(groups_->find(g->id).error(), errc::group_not_found);
  EXPECT_EQ(groups_->remove(g->id, admin()).error(), errc::group_not_found);
  EXPECT_EQ(audited("group.create"), std::vector<std::string>{g->id});
  EXPECT_EQ(audited("group.update"), std::vector<std::string>{g->id});
  EXPECT_EQ(audited("group.delete"), std::vector<std::string>{g->id});
}

TEST_F(group_service_test, refuses_bad_and_duplicate_names) {
  ASSERT_TRUE(groups_->create("lab", "", admin()));
  EXPECT_EQ(groups_->create("lab", "", admin()).error(), errc::group_name_taken);
  EXPECT_EQ(groups_->create("  ", "", admin()).error(), errc::invalid_group);
  EXPECT_EQ(groups_->create(std::string(65, 'n'), "", admin()).error(), errc::invalid_group);
  EXPECT_EQ(groups_->create("a\nb", "", admin()).error(), errc::invalid_group);
  EXPECT_EQ(groups_->create("x", std::string(513, 'd'), admin()).error(), errc::invalid_group);
  auto other = groups_->create("roof", "", admin());
  EXPECT_EQ(groups_->update(other->id, {.name = "lab"}, admin()).error(), errc::group_name_taken);
  EXPECT_TRUE(groups_->update(other->id, {.name = "roof"}, admin()));  // its own name
  EXPECT_EQ(groups_->update("grp_missing", {.name = "z"}, admin()).error(), errc::group_not_found);
}

TEST_F(group_service_test, membership_is_added_all_or_nothing_and_answered) {
  auto g = groups_->create("lab", "", admin()).value();
  auto bad = groups_->add_devices(g.id, {"dev_a", "dev_nope"}, admin());
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->unknown_devices, std::vector<std::string>{"dev_nope"});
  EXPECT_TRUE(groups_->member_ids(g.id).empty());

  auto added = groups_->add_devices(g.id, {"dev_a", "dev_b"}, admin());
  ASSERT_TRUE(added);
  EXPECT_EQ(added->added, (std::vector<std::string>{"dev_a", "dev_b"}));
  EXPECT_EQ(groups_->add_devices(g.id, {"dev_b", "dev_c"}, admin())->added, std::vector<std::string>{"dev_c"});
  EXPECT_EQ(groups_->find(g.id)->member_count, 3);
  EXPECT_TRUE(groups_->contains(g.id, "dev_a"));
  EXPECT_EQ(groups_->groups_of("dev_a").size(), 1u);

  ASSERT_TRUE(groups_->remove_device(g.id, "dev_a", admin()));
  EXPECT_FALSE(groups_->contains(g.id, "dev_a"));
  EXPECT_EQ(groups_->remove_device(g.id, "dev_a", admin()).error(), errc::not_a_member);
  EXPECT_EQ(groups_->remove_device("grp_missing", "dev_a", admin()).error(), errc::group_not_found);
  EXPECT_EQ(groups_->add_devices("grp_missing", {"dev_a"}, admin()).error(), errc::group_not_found);
  EXPECT_EQ(groups_->add_devices(g.id, {}, admin()).error(), errc::invalid_group);
  EXPECT_EQ(groups_->member_ids(g.id), (std::vector<std::string>{"dev_b", "dev_c"}));
  EXPECT_EQ(audited("group.add_devices").size(), 2u);
  EXPECT_EQ(audited("group.remove_device").size(), 1u);

  // The device list filters by group, through the same condition a jobs engine would use.
  device_store::list_filter f;
  f.group_id = g.id;
  auto page = db_->read_result([&](storage::connection& c) { return device_store::list(c, f); });
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, "dev_b");

  ASSERT_TRUE(groups_->remove(g.id, admin()));
  EXPECT_TRUE(groups_->groups_of("dev_b").empty());
  auto left = db_->read_result(
      [](storage::connection& c) { return c.query_one("SELECT COUNT(*) FROM device_group_members")->integer(0); });
  EXPECT_EQ(left, 0);
}

TEST_F(group_service_test, lists_by_name_in_pages) {
  for (const char* name : {"c", "a", "b"}) ASSERT_TRUE(groups_->create(name, "", admin()));
  auto first = groups_->list("", 2);
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0].name, "a");
  ASSERT_TRUE(first.next_after_name);
  auto second = groups_->list(*first.next_after_name, 2);
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0].name, "c");
  EXPECT_FALSE(second.next_after_name);
}

}  // namespace
}  // namespace mothership::registry
