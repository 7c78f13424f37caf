#pragma once
// SQL for the users and refresh_tokens tables. Functions take the caller's connection so
// that a change and its audit entry commit in one transaction.
#include <optional>
#include <string>
#include <vector>

#include "auth/user.hpp"
#include "storage/database.hpp"

namespace mothership::auth::user_store {

void insert(storage::connection& c, const user& u, const std::string& password_hash);
std::optional<user> find_by_id(storage::connection& c, const std::string& id);
// The user and their password hash, for login.
std::optional<std::pair<user, std::string>> find_credentials(storage::connection& c, const std::string& username);
std::optional<std::string> password_hash(storage::connection& c, const std::string& id);
std::vector<user> list(storage::connection& c, const std::string& after_id, int limit);
void update(storage::connection& c, const user& u);
void set_password(storage::connection& c, const std::string& id, const std::string& hash, common::millis now);
// Makes every access token issued so far invalid; returns the new generation.
std::int64_t bump_token_generation(storage::connection& c, const std::string& id);
void remove(storage::connection& c, const std::string& id);
std::int64_t count_enabled_admins(storage::connection& c);
std::int64_t count(storage::connection& c);

}  // namespace mothership::auth::user_store

namespace mothership::auth::refresh_store {

struct record {
  std::string family_id;
  std::string user_id;
  common::millis expires_at = 0;
  bool used = false;
  bool revoked = false;
};

void insert(storage::connection& c, const std::string& token_hash, const std::string& family_id,
            const std::string& user_id, common::millis now, common::millis expires_at);
std::optional<record> find(storage::connection& c, const std::string& token_hash);
void mark_used(storage::connection& c, const std::string& token_hash, common::millis now);
void revoke_family(storage::connection& c, const std::string& family_id, common::millis now);
void revoke_user(storage::connection& c, const std::string& user_id, common::millis now);

}  // namespace mothership::auth::refresh_store
