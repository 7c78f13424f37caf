#include "server/user_connections.hpp"

#include <algorithm>

namespace mothership::server {

std::string user_connections::key(const std::string& client_id, const std::string& user_id) {
  return client_id + '\n' + user_id;  // user ids hold no newline, so the last one splits them
}

void user_connections::put(table& t, std::string k, entry e) {
  if (t.size() >= max_entries && !t.contains(k)) {
    auto soonest = std::min_element(t.begin(), t.end(),
                                    [](const auto& a, const auto& b) { return a.second.exp_s < b.second.exp_s; });
    t.erase(soonest);
  }
  t[std::move(k)] = std::move(e);
}

void user_connections::note(const std::string& presented_client_id, const std::string& user_id, const std::string& jti,
                            std::int64_t exp_s) {
  std::lock_guard lock(mutex_);
  put(pending_, key(presented_client_id, user_id), entry{user_id, jti, exp_s});
}

void user_connections::connected(const std::string& client_id, const std::string& user_id) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(key(client_id, user_id));
  if (it == pending_.end()) it = pending_.find(key("", user_id));
  if (it == pending_.end()) return;
  entry e = std::move(it->second);
  pending_.erase(it);
  put(live_, key(client_id, user_id), std::move(e));
}

std::vector<std::pair<std::string, std::string>> user_connections::opened_by(const std::string& jti) const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, e] : live_)
    if (e.jti == jti) out.emplace_back(k.substr(0, k.rfind('\n')), e.user_id);
  return out;
}

void user_connections::forget_expired(std::int64_t now_s) {
  std::lock_guard lock(mutex_);
  auto expired = [now_s](const auto& item) { return item.second.exp_s <= now_s; };
  std::erase_if(pending_, expired);
  std::erase_if(live_, expired);
}

std::size_t user_connections::size() const {
  std::lock_guard lock(mutex_);
  return live_.size();
}

}  // namespace mothership::server
