#pragma once
// Which access token opened which user MQTT connection, so that logging out (revoking one
// token) ends the connections that token opened and no others. Noted when the token is
// checked at CONNECT, keyed by client id and user (a later CONNECT of the same user under the
// same id replaces the entry, as its connection replaces the session's; another user's attempt
// at the id, which the broker refuses, does not touch it), dropped when the token expires: the
// broker ends such connections then anyway. Bounded: past `max_entries` the soonest expiries go.
// Not covered: a client that let the broker assign its id (the id is not known yet when the
// token is checked); its connection ends when the token expires.
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
  std::unordered_map<std::string, entry> by_client_and_user_;  // client id + '\n' + user id
};

}  // namespace mothership::server
