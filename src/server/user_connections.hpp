#pragma once
// Which access token opened which user MQTT connection, so that logging out (revoking one
// token) ends the connections that token opened and no others. Noted when the token is
// checked at CONNECT, keyed by client id (a later CONNECT under the same id replaces the
// entry, as its connection replaces the session's), dropped when the token expires: the
// broker ends such connections then anyway. Bounded: past `max_entries` the oldest expiries go.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mothership::server {

class user_connections {
 public:
  void note(const std::string& client_id, const std::string& user_id, const std::string& jti, std::int64_t exp_s);
  // (client id, user id) of the connections `jti` opened.
  std::vector<std::pair<std::string, std::string>> opened_by(const std::string& jti) const;
  void forget_expired(std::int64_t now_s);
  std::size_t size() const;

  static constexpr std::size_t max_entries = 100000;

 private:
  struct entry {
    std::string user_id;
    std::string jti;
    std::int64_t exp_s = 0;
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::string, entry> by_client_id_;
};

}  // namespace mothership::server
