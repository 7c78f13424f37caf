#pragma once
#include <string>

#include "auth/rbac.hpp"
#include "common/clock.hpp"

namespace mothership::auth {

struct user {
  std::string id;
  std::string username;
  std::string display_name;
  role user_role = role::viewer;
  bool disabled = false;
  common::millis created_at = 0;
  common::millis updated_at = 0;
  // Access tokens carry the generation they were issued in; a bump (password change, reset,
  // disable) makes every earlier token invalid, and re-enabling does not bring them back.
  std::int64_t token_generation = 0;
};

}  // namespace mothership::auth
