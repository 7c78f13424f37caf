#include "auth/user_service.hpp"

#include <mutex>

#include "auth/password.hpp"
#include "auth/user_store.hpp"
#include "common/ids.hpp"

namespace mothership::auth {

audit::actor actor_of(const requester& by) {
  return by.user_id.empty() ? audit::actor{"system", ""} : audit::actor{"user", by.user_id};
}

namespace {

audit::event user_event(const requester& by, std::string action, const user& target) {
  audit::event e{actor_of(by), std::move(action), "user", target.id, audit::outcome::success, by.source, {}};
  e.details["username"] = target.username;
  return e;
}

bool is_enabled_admin(const user& u) {
  return u.user_role == role::admin && !u.disabled;
}

}  // namespace

user_service::user_service(storage::database& db, audit::audit_log& audit, events::event_bus* events)
    : db_(db), audit_(audit), events_(events) {
  db_.read([&](storage::connection& c) {
    std::string after;
    for (;;) {
      auto batch = user_store::list(c, after, 1000);
      for (const auto& u : batch) directory_.emplace(u.id, u);
      if (batch.size() < 1000) break;
      after = batch.back().id;
    }
  });
}

bool user_service::ensure_first_admin(const std::string& password, const requester& by) {
  std::string hash = hash_password(password);
  std::optional<user> created;
  std::lock_guard change(changes_mutex_);
  db_.write([&](storage::connection& c) {
    if (user_store::count(c) > 0) return;
    user u{common::new_id("usr"), "admin", "Administrator", role::admin, false, common::now_ms(), common::now_ms()};
    user_store::insert(c, u, hash);
    auto e = user_event(by, "user.create", u);
    e.details["role"] = "admin";
    e.details["first_admin"] = true;
    audit_.append(c, e);
    created = u;
  });
  if (created) remember(*created);
  return created.has_value();
}

result<user> user_service::create(const requester& by, const new_user& spec) {
  std::string hash = hash_password(spec.password);
  common::millis now = common::now_ms();
  user u{common::new_id("usr"), spec.username, spec.display_name, spec.user_role, false, now, now};
  bool taken = false;
  std::lock_guard change(changes_mutex_);
  try {
    db_.write([&](storage::connection& c) {
      if (user_store::find_credentials(c, spec.username)) {
        taken = true;
        return;
      }
      user_store::insert(c, u, hash);
      auto e = user_event(by, "user.create", u);
      e.details["role"] = std::string(to_string(u.user_role));
      audit_.append(c, e);
    });
  } catch (const storage::database_error& e) {
    // A concurrent create on a backend without serialised writers hits the UNIQUE constraint.
    if (e.which() != storage::database_error::kind::constraint) throw;
    taken = true;
  }
  if (taken) return errc::username_taken;
  remember(u);
  return u;
}

result<user> user_service::update(const requester& by, const std::string& id, const user_patch& patch) {
  std::optional<std::string> hash;
  if (patch.password) hash = hash_password(*patch.password);
  std::optional<errc> failure;
  user updated;
  bool revoked = false, end_sessions = false;
  std::unique_lock change(changes_mutex_);
  db_.write([&](storage::connection& c) {
    auto current = user_store::find_by_id(c, id);
    if (!current) return failure.emplace(errc::user_not_found), void();
    updated = *current;
    if (patch.display_name) updated.display_name = *patch.display_name;
    if (patch.user_role) updated.user_role = *patch.user_role;
    if (patch.disabled) updated.disabled = *patch.disabled;
    if (is_enabled_admin(*current) && !is_enabled_admin(updated) && user_store::count_enabled_admins(c) <= 1)
      return failure.emplace(errc::last_admin), void();
    updated.updated_at = common::now_ms();
    user_store::update(c, updated);

    boost::json::object changes;
    if (updated.display_name != current->display_name) changes["display_name"] = updated.display_name;
    if (updated.disabled != current->disabled) changes["disabled"] = updated.disabled;
    if (!changes.empty()) {
      auto e = user_event(by, "user.update", updated);
      e.details["changes"] = changes;
      audit_.append(c, e);
    }
    if (updated.user_role != current->user_role) {
      auto e = user_event(by, "user.role_change", updated);
      e.details["from"] = std::string(to_string(current->user_role));
      e.details["to"] = std::string(to_string(updated.user_role));
      audit_.append(c, e);
    }
    if (hash) {
      user_store::set_password(c, id, *hash, updated.updated_at);
      audit_.append(c, user_event(by, "user.password_reset", updated));
    }
    // A disabled user or a reset password ends every session the user had, and every token:
    // re-enabling the user later does not bring them back.
    revoked = (updated.disabled && !current->disabled) || hash;
    if (revoked) {
      refresh_store::revoke_user(c, id, updated.updated_at);
      updated.token_generation = user_store::bump_token_generation(c, id);
    }
    end_sessions = updated.disabled != current->disabled || updated.user_role != current->user_role;
  });
  if (failure) return *failure;
  remember(updated);
  change.unlock();
  if (revoked || end_sessions) announce_revoked(updated, end_sessions);
  return updated;
}

result<void> user_service::remove(const requester& by, const std::string& id) {
  std::optional<errc> failure;
  user removed;
  std::unique_lock change(changes_mutex_);
  db_.write([&](storage::connection& c) {
    auto current = user_store::find_by_id(c, id);
    if (!current) return failure.emplace(errc::user_not_found), void();
    if (is_enabled_admin(*current) && user_store::count_enabled_admins(c) <= 1)
      return failure.emplace(errc::last_admin), void();
    user_store::remove(c, id);
    audit_.append(c, user_event(by, "user.delete", *current));
    removed = *current;
  });
  if (failure) return *failure;
  forget(id);
  change.unlock();
  announce_revoked(removed, true);
  return {};
}

result<void> user_service::replace_password(const std::string& id, const std::string& hash, const std::string& source) {
  std::optional<user> changed;
  std::unique_lock change(changes_mutex_);
  db_.write([&](storage::connection& c) {
    auto current = user_store::find_by_id(c, id);
    if (!current) return;
    common::millis now = common::now_ms();
    user_store::set_password(c, id, hash, now);
    refresh_store::revoke_user(c, id, now);
    current->token_generation = user_store::bump_token_generation(c, id);
    current->updated_at = now;
    audit_.append(c,
                  audit::event{{"user", id}, "auth.password_change", "user", id, audit::outcome::success, source, {}});
    changed = std::move(current);
  });
  if (!changed) return errc::user_not_found;
  remember(*changed);
  change.unlock();
  announce_revoked(*changed, false);
  return {};
}

user_page user_service::list(const std::string& after_id, int limit) {
  user_page page;
  page.items = db_.read_result([&](storage::connection& c) { return user_store::list(c, after_id, limit + 1); });
  if (page.items.size() > static_cast<std::size_t>(limit)) {
    page.items.resize(limit);
    page.next_after_id = page.items.back().id;
  }
  return page;
}

std::optional<user> user_service::find(const std::string& id) const {
  std::shared_lock lock(directory_mutex_);
  auto it = directory_.find(id);
  if (it == directory_.end()) return std::nullopt;
  return it->second;
}

void user_service::remember(const user& u) {
  std::unique_lock lock(directory_mutex_);
  directory_[u.id] = u;
}

void user_service::announce_revoked(const user& u, bool end_sessions) {
  if (events_)
    events_->publish({"user.access_revoked",
                      u.id,
                      {{"user_id", u.id}, {"username", u.username}, {"end_sessions", end_sessions}},
                      0});
}

bool user_service::empty() const {
  std::shared_lock lock(directory_mutex_);
  return directory_.empty();
}

void user_service::forget(const std::string& id) {
  std::unique_lock lock(directory_mutex_);
  directory_.erase(id);
}

}  // namespace mothership::auth
