#include "auth/login_throttle.hpp"

#include <algorithm>

namespace mothership::auth {

namespace {
constexpr auto forget_after = std::chrono::hours(1);
}

int login_throttle::wait_for(const counter& c, int free, clock::time_point now) const {
  if (c.failures < free) return 0;
  int excess = std::min(c.failures - free, 20);
  long delay = std::min<long>(1L << excess, max_delay_s_);
  auto ready = c.last_failure + std::chrono::seconds(delay);
  if (ready <= now) return 0;
  return static_cast<int>(std::chrono::ceil<std::chrono::seconds>(ready - now).count());
}

int login_throttle::retry_after(const std::string& username, const std::string& source, clock::time_point now) {
  std::lock_guard lock(mutex_);
  int wait = 0;
  if (auto it = accounts_.find(username); it != accounts_.end()) wait = wait_for(it->second, free_failures_, now);
  if (auto it = sources_.find(source); it != sources_.end())
    wait = std::max(wait, wait_for(it->second, free_failures_ * source_multiplier, now));
  return wait;
}

void login_throttle::record_failure(const std::string& username, const std::string& source, clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (accounts_.size() + sources_.size() > max_entries) prune(now);
  for (counter* c : {&accounts_[username], &sources_[source]}) {
    if (c->failures > 0 && now - c->last_failure > forget_after) c->failures = 0;
    ++c->failures;
    c->last_failure = now;
  }
}

void login_throttle::record_success(const std::string& username) {
  std::lock_guard lock(mutex_);
  accounts_.erase(username);  // the address keeps its count: a spray across accounts stays slowed
}

void login_throttle::prune(clock::time_point now) {
  for (auto* map : {&accounts_, &sources_})
    std::erase_if(*map, [&](const auto& kv) { return now - kv.second.last_failure > forget_after; });
}

}  // namespace mothership::auth
