#include "server/user_connections.hpp"

#include <algorithm>

namespace mothership::server {

void user_connections::note(const std::string& client_id, const std::string& user_id, const std::string& jti,
                            std::int64_t exp_s) {
  std::string key = client_id + '\n' + user_id;  // neither holds a newline
  std::lock_guard lock(mutex_);
  if (by_client_and_user_.size() >= max_entries && !by_client_and_user_.contains(key)) {
    auto soonest = std::min_element(by_client_and_user_.begin(), by_client_and_user_.end(),
                                    [](const auto& a, const auto& b) { return a.second.exp_s < b.second.exp_s; });
    by_client_and_user_.erase(soonest);
  }
  by_client_and_user_[key] = entry{user_id, jti, exp_s};
}

std::vector<std::pair<std::string, std::string>> user_connections::opened_by(const std::string& jti) const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, e] : by_client_and_user_)
    if (e.jti == jti) out.emplace_back(key.substr(0, key.rfind('\n')), e.user_id);
  return out;
}

void user_connections::forget_expired(std::int64_t now_s) {
  std::lock_guard lock(mutex_);
  std::erase_if(by_client_and_user_, [now_s](const auto& item) { return item.second.exp_s <= now_s; });
}

std::size_t user_connections::size() const {
  std::lock_guard lock(mutex_);
  return by_client_and_user_.size();
}

}  // namespace mothership::server
