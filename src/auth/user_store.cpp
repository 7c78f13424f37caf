#include "auth/user_store.hpp"

namespace mothership::auth::user_store {

namespace {

constexpr const char* columns = "id, username, display_name, role, disabled, created_at, updated_at, token_generation";

user from_row(const storage::row& r) {
  user u;
  u.id = r.text(0);
  u.username = r.text(1);
  u.display_name = r.text(2);
  u.user_role = parse_role(r.text(3)).value_or(role::viewer);
  u.disabled = r.integer(4) != 0;
  u.created_at = r.integer(5);
  u.updated_at = r.integer(6);
  u.token_generation = r.integer(7);
  return u;
}

}  // namespace

void insert(storage::connection& c, const user& u, const std::string& password_hash) {
  c.execute(
      "INSERT INTO users (id, username, display_name, role, disabled, password_hash, created_at, updated_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {u.id, u.username, u.display_name, std::string(to_string(u.user_role)), std::int64_t{u.disabled}, password_hash,
       u.created_at, u.updated_at});
}

std::optional<user> find_by_id(storage::connection& c, const std::string& id) {
  auto r = c.query_one("SELECT " + std::string(columns) + " FROM users WHERE id = $1", {id});
  if (!r) return std::nullopt;
  return from_row(*r);
}

std::optional<std::pair<user, std::string>> find_credentials(storage::connection& c, const std::string& username) {
  auto r = c.query_one("SELECT " + std::string(columns) + ", password_hash FROM users WHERE username = $1", {username});
  if (!r) return std::nullopt;
  return std::make_pair(from_row(*r), r->text(8));
}

std::optional<std::string> password_hash(storage::connection& c, const std::string& id) {
  auto r = c.query_one("SELECT password_hash FROM users WHERE id = $1", {id});
  if (!r) return std::nullopt;
  return r->text(0);
}

std::vector<user> list(storage::connection& c, const std::string& after_id, int limit) {
  std::vector<user> out;
  for (const auto& r : c.query("SELECT " + std::string(columns) + " FROM users WHERE id > $1 ORDER BY id LIMIT $2",
                               {after_id, std::int64_t{limit}}))
    out.push_back(from_row(r));
  return out;
}

void update(storage::connection& c, const user& u) {
  c.execute("UPDATE users SET display_name = $2, role = $3, disabled = $4, updated_at = $5 WHERE id = $1",
            {u.id, u.display_name, std::string(to_string(u.user_role)), std::int64_t{u.disabled}, u.updated_at});
}

void set_password(storage::connection& c, const std::string& id, const std::string& hash, common::millis now) {
  c.execute("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1", {id, hash, now});
}

std::int64_t bump_token_generation(storage::connection& c, const std::string& id) {
  auto r = c.query_one(
      "UPDATE users SET token_generation = token_generation + 1 WHERE id = $1 RETURNING token_generation", {id});
  return r ? r->integer(0) : 0;
}

void remove(storage::connection& c, const std::string& id) {
  c.execute("DELETE FROM users WHERE id = $1", {id});
}

std::int64_t count_enabled_admins(storage::connection& c) {
  return c.query_one("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0")->integer(0);
}

std::int64_t count(storage::connection& c) {
  return c.query_one("SELECT COUNT(*) FROM users")->integer(0);
}

}  // namespace mothership::auth::user_store

namespace mothership::auth::refresh_store {

void insert(storage::connection& c, const std::string& token_hash, const std::string& family_id,
            const std::string& user_id, common::millis now, common::millis expires_at) {
  c.execute(
      "INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at)"
      " VALUES ($1, $2, $3, $4, $5)",
      {token_hash, family_id, user_id, now, expires_at});
}

std::optional<record> find(storage::connection& c, const std::string& token_hash) {
  auto r = c.query_one(
      "SELECT family_id, user_id, expires_at, used_at, revoked_at FROM refresh_tokens"
      " WHERE token_hash = $1",
      {token_hash});
  if (!r) return std::nullopt;
  return record{r->text(0), r->text(1), r->integer(2), !r->is_null(3), !r->is_null(4)};
}

void mark_used(storage::connection& c, const std::string& token_hash, common::millis now) {
  c.execute("UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1", {token_hash, now});
}

void revoke_family(storage::connection& c, const std::string& family_id, common::millis now) {
  c.execute("UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL", {family_id, now});
}

void revoke_user(storage::connection& c, const std::string& user_id, common::millis now) {
  c.execute("UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", {user_id, now});
}

}  // namespace mothership::auth::refresh_store
