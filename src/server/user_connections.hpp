#pragma once
// Which access token opened which user MQTT connection, so that logging out (revoking one
// token) ends the connections that token opened and no others.
//
// The token is known when the CONNECT's credentials are checked (note), the client id only
// once the broker has accepted the connection (connected: the broker may have assigned the
// id, or refused the CONNECT). So a check leaves a pending entry under the presented client id
// and the user, and the connection's arrival turns it into a live one; a connection with an
// assigned id takes its user's pending entry noted under an empty id. Entries go when their
// token expires: the broker ends such connections then anyway. Bounded: past `max_entries`
// the soonest expiries go.
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mothership::server {

class user_connections {
 public:
  // A token checked at CONNECT, for `presented_client_id` (empty: the broker assigns one).
  void note(const std::string& presented_client_id, const std::string& user_id, const std::string& jti,
            std::int64_t exp_s);
  // The broker accepted the connection of `user_id` under `client_id` (as presented, or
  // assigned: then no entry was noted under it, and the user's one under an empty id is it).
  void connected(const std::string& client_id, const std::string& user_id);
  // (client id, user id) of the live connections `jti` opened.
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
  using table = std::unordered_map<std::string, entry>;  // client id + '\n' + user id
  static std::string key(const std::string& client_id, const std::string& user_id);
  static void put(table& t, std::string k, entry e);

  mutable std::mutex mutex_;
  table pending_;
  table live_;
};

}  // namespace mothership::server
