#include "auth/revoked_tokens.hpp"

#include <mutex>

namespace mothership::auth {

revoked_tokens::revoked_tokens(storage::database& db, std::int64_t now_s) {
  db.read([&](storage::connection& c) {
    for (const auto& r : c.query("SELECT jti, expires_at FROM revoked_access_tokens WHERE expires_at > $1", {now_s}))
      expiry_by_jti_.emplace(r.text(0), r.integer(1));
  });
}

void revoked_tokens::revoke(storage::connection& c, const std::string& jti, const std::string& user_id,
                            std::int64_t expires_s, std::int64_t now_s) {
  {
    std::unique_lock lock(mutex_);
    expiry_by_jti_[jti] = expires_s;
    prune(now_s);
  }
  c.execute("DELETE FROM revoked_access_tokens WHERE expires_at <= $1", {now_s});
  c.execute(
      "INSERT INTO revoked_access_tokens (jti, user_id, expires_at) VALUES ($1, $2, $3)"
      " ON CONFLICT (jti) DO NOTHING",
      {jti, user_id, expires_s});
}

bool revoked_tokens::contains(const std::string& jti) const {
  std::shared_lock lock(mutex_);
  return expiry_by_jti_.count(jti) != 0;
}

std::size_t revoked_tokens::size() const {
  std::shared_lock lock(mutex_);
  return expiry_by_jti_.size();
}

void revoked_tokens::prune(std::int64_t now_s) {
  if (now_s < next_prune_s_) return;
  next_prune_s_ = now_s + 60;
  std::erase_if(expiry_by_jti_, [now_s](const auto& entry) { return entry.second <= now_s; });
}

}  // namespace mothership::auth
