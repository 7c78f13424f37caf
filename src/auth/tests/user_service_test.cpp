#include "auth/user_service.hpp"

#include "auth_fixture.hpp"

using namespace mothership;
using namespace mothership::auth;
using mothership::auth::testing::auth_fixture;

using user_service_test = auth_fixture;

TEST_F(user_service_test, first_admin_is_created_once) {
  EXPECT_FALSE(users_->ensure_first_admin("another-password", {}));
  auto page = users_->list("", 10);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].username, "admin");
  EXPECT_EQ(page.items[0].user_role, role::admin);
}

TEST_F(user_service_test, create_rejects_a_taken_username) {
  ASSERT_TRUE(users_->create(by_admin(), {"tech", "Tech", role::technician, "wrench-secret-1"}));
  EXPECT_EQ(users_->create(by_admin(), {"tech", "Other", role::viewer, "wrench-secret-2"}).error(),
            make_error_code(errc::username_taken));
}

TEST_F(user_service_test, last_enabled_admin_cannot_be_demoted_disabled_or_deleted) {
  EXPECT_EQ(users_->update(by_admin(), admin_id_, {.user_role = role::viewer}).error(),
            make_error_code(errc::last_admin));
  EXPECT_EQ(users_->update(by_admin(), admin_id_, {.disabled = true}).error(), make_error_code(errc::last_admin));
  EXPECT_EQ(users_->remove(by_admin(), admin_id_).error(), make_error_code(errc::last_admin));
  EXPECT_EQ(users_->find(admin_id_)->user_role, role::admin);  // nothing changed

  auto second = users_->create(by_admin(), {"admin2", "Second", role::admin, "second-admin-pw"});
  ASSERT_TRUE(second);
  EXPECT_TRUE(users_->update(by_admin(), admin_id_, {.user_role = role::viewer}));
  EXPECT_EQ(users_->remove(by_admin(), second->id).error(), make_error_code(errc::last_admin));
}

TEST_F(user_service_test, disabled_admin_does_not_count_as_the_last_one) {
  auto second = users_->create(by_admin(), {"admin2", "Second", role::admin, "second-admin-pw"});
  ASSERT_TRUE(users_->update(by_admin(), second->id, {.disabled = true}));
  EXPECT_EQ(users_->remove(by_admin(), admin_id_).error(), make_error_code(errc::last_admin));
  EXPECT_TRUE(users_->remove(by_admin(), second->id));  // a disabled admin may go
}

TEST_F(user_service_test, every_change_is_audited_in_order) {
  auto u = users_->create(by_admin(), {"view", "Viewer", role::viewer, "viewer-password"});
  ASSERT_TRUE(users_->update(by_admin(), u->id, {.display_name = "V", .user_role = role::technician}));
  ASSERT_TRUE(users_->update(by_admin(), u->id, {.password = std::string("reset-password-1")}));
  ASSERT_TRUE(users_->remove(by_admin(), u->id));
  EXPECT_EQ(audit_actions(), (std::vector<std::string>{"user.create", "user.create", "user.update", "user.role_change",
                                                       "user.password_reset", "user.delete"}));
  EXPECT_TRUE(audit_->verify().ok());
}

TEST_F(user_service_test, directory_follows_changes_at_once) {
  auto u = users_->create(by_admin(), {"view", "Viewer", role::viewer, "viewer-password"});
  ASSERT_TRUE(users_->find(u->id));
  ASSERT_TRUE(users_->update(by_admin(), u->id, {.disabled = true}));
  EXPECT_TRUE(users_->find(u->id)->disabled);
  ASSERT_TRUE(users_->remove(by_admin(), u->id));
  EXPECT_FALSE(users_->find(u->id));
  EXPECT_EQ(users_->update(by_admin(), u->id, {.disabled = false}).error(), make_error_code(errc::user_not_found));
}

TEST_F(user_service_test, list_pages_by_id) {
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(users_->create(by_admin(), {"u" + std::to_string(i), "U", role::viewer, "some-password-x"}));
  auto p1 = users_->list("", 3);
  ASSERT_EQ(p1.items.size(), 3u);
  ASSERT_TRUE(p1.next_after_id);
  auto p2 = users_->list(*p1.next_after_id, 3);
  EXPECT_EQ(p2.items.size(), 2u);
  EXPECT_FALSE(p2.next_after_id);
}
