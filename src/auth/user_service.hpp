#pragma once
// User management: create, change, disable and delete users, with the rule that the last
// enabled admin stays. Every change is audited in the same transaction. Keeps an in-memory
// directory of users so that each request's authentication needs no database call, and a
// disabled or deleted user is refused from the next request on.
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "audit/audit_log.hpp"
#include "auth/errors.hpp"
#include "auth/user.hpp"
#include "events/event_bus.hpp"
#include "storage/database.hpp"

namespace mothership::auth {

// Who asks for a change, for the audit log.
struct requester {
  std::string user_id;  // empty = the system itself
  std::string source;   // client address
};

struct new_user {
  std::string username;
  std::string display_name;
  role user_role = role::viewer;
  std::string password;
};

struct user_patch {
  std::optional<std::string> display_name;
  std::optional<role> user_role;
  std::optional<bool> disabled;
  std::optional<std::string> password;  // an admin's reset
};

struct user_page {
  std::vector<user> items;
  std::optional<std::string> next_after_id;
};

class user_service {
 public:
  // `events` (may be null) hears "user.access_revoked" {user_id, username, end_sessions} when a
  // user is disabled, deleted, has a new role or a new password, so that live connections (MQTT,
  // SSE) end too; `end_sessions` asks for persistent MQTT sessions to go as well (disable,
  // delete, role change).
  user_service(storage::database& db, audit::audit_log& audit, events::event_bus* events = nullptr);

  // Creates the first admin when there are no users. Returns true if it did.
  bool ensure_first_admin(const std::string& password, const requester& by);

  result<user> create(const requester& by, const new_user& spec);
  result<user> update(const requester& by, const std::string& id, const user_patch& patch);
  result<void> remove(const requester& by, const std::string& id);
  // The user's own password change, once the current password checked out: every earlier
  // access and refresh token of the user is revoked. Audited as auth.password_change.
  result<void> replace_password(const std::string& id, const std::string& hash, const std::string& source);
  user_page list(const std::string& after_id, int limit);

  // From the in-memory directory: no database call.
  std::optional<user> find(const std::string& id) const;
  bool empty() const;

 private:
  void remember(const user& u);
  void forget(const std::string& id);
  void announce_revoked(const user& u, bool end_sessions);

  storage::database& db_;
  audit::audit_log& audit_;
  events::event_bus* events_;
  // Held from a change's transaction to its directory update, so that two changes of one user
  // reach the directory in the order they committed (an older copy never overwrites a newer
  // one, nor brings a deleted user back).
  std::mutex changes_mutex_;
  mutable std::shared_mutex directory_mutex_;
  std::unordered_map<std::string, user> directory_;
};

audit::actor actor_of(const requester& by);

}  // namespace mothership::auth
