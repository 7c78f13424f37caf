#include "auth/rbac.hpp"

#include <gtest/gtest.h>

using namespace mothership::auth;

TEST(rbac, every_permission_has_a_unique_name_that_parses_back) {
  for (permission p : all_permissions()) EXPECT_EQ(parse_permission(to_string(p)), p);
  EXPECT_EQ(all_permissions().size(), 17u);
}

TEST(rbac, admin_may_do_everything) {
  for (permission p : all_permissions()) EXPECT_TRUE(allows(role::admin, p)) << to_string(p);
}

TEST(rbac, technician_onboards_but_does_not_manage) {
  EXPECT_TRUE(allows(role::technician, permission::devices_onboard));
  EXPECT_TRUE(allows(role::technician, permission::registry_read));
  EXPECT_FALSE(allows(role::technician, permission::registry_import));
  EXPECT_FALSE(allows(role::technician, permission::users_manage));
  EXPECT_FALSE(allows(role::technician, permission::audit_read));
}

TEST(rbac, viewer_reads_audits_and_reports_only) {
  EXPECT_TRUE(allows(role::viewer, permission::devices_read));
  EXPECT_TRUE(allows(role::viewer, permission::audit_read));
  EXPECT_TRUE(allows(role::viewer, permission::reports_download));
  EXPECT_FALSE(allows(role::viewer, permission::devices_onboard));
  EXPECT_FALSE(allows(role::viewer, permission::users_manage));
}

TEST(rbac, everyone_sees_alerts_technicians_acknowledge_admins_write_rules) {
  for (role r : all_roles()) EXPECT_TRUE(allows(r, permission::alerts_read)) << to_string(r);
  EXPECT_TRUE(allows(role::technician, permission::alerts_ack));
  EXPECT_FALSE(allows(role::viewer, permission::alerts_ack));
  EXPECT_FALSE(allows(role::technician, permission::rules_manage));
  EXPECT_FALSE(allows(role::viewer, permission::rules_manage));
}

TEST(rbac, roles_parse) {
  EXPECT_EQ(parse_role("technician"), role::technician);
  EXPECT_FALSE(parse_role("root").has_value());
  EXPECT_FALSE(parse_role("Admin").has_value());
}
