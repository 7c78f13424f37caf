#pragma once
// Access tokens revoked one by one before they expire (logout): their ids (`jti`) until their
// own expiry. Kept in memory for the per-request check (no database call on the hot path) and
// in the revoked_access_tokens table so that a restart does not bring a logged-out token back.
// Revoking a user's every token is not done here: that is the user's token generation.
#include <cstdint>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "storage/database.hpp"

namespace mothership::auth {

class revoked_tokens {
 public:
  // Loads the unexpired entries.
  revoked_tokens(storage::database& db, std::int64_t now_s);

  // Records the revocation in the caller's transaction and at once in memory (should the
  // transaction fail, the token stays refused until it expires anyway: the safe side).
  // Entries past their expiry are dropped on the way.
  void revoke(storage::connection& c, const std::string& jti, const std::string& user_id, std::int64_t expires_s,
              std::int64_t now_s);
  bool contains(const std::string& jti) const;
  std::size_t size() const;

 private:
  void prune(std::int64_t now_s);  // under the unique lock

  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::int64_t> expiry_by_jti_;
  std::int64_t next_prune_s_ = 0;
};

}  // namespace mothership::auth
