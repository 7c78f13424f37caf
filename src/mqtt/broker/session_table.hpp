#pragma once
// The broker's sessions, found by client id (CONNECT, expiry) or by subscriber id (routing:
// the subscription index names subscribers by id). An idle fleet is mostly sessions, so the
// table costs each one as little as it can: a slot in a deque, and one small node in a hash
// set of the sessions themselves, hashed by their own client id (no copy of the id, no second
// map from ids to sessions).
//
// A subscriber id is the session's slot in its low 32 bits and a serial number in its high
// 32 bits: slots are reused, and an id of a session that ended then finds a session with
// another id, not a stranger.
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "mqtt/broker/session.hpp"

namespace mothership::mqtt {

class session_table {
 public:
  // A new session; `client_id` must not be in the table.
  std::shared_ptr<session> add(std::string client_id, identity who, const session_limits& limits);
  // Null when absent.
  std::shared_ptr<session> find(std::string_view client_id) const;
  session* find(subscriber_id id) const;
  void remove(const session& s);

  std::size_t size() const { return by_client_id_.size(); }
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& s : slots_)
      if (s) f(*s);
  }

 private:
  struct client_id_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const noexcept { return std::hash<std::string_view>{}(id); }
    std::size_t operator()(const session* s) const noexcept { return (*this)(s->client_id()); }
  };
  struct same_client_id {
    using is_transparent = void;
    static std::string_view id_of(std::string_view id) { return id; }
    static std::string_view id_of(const session* s) { return s->client_id(); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const noexcept {
      return id_of(a) == id_of(b);
    }
  };

  // Owns the sessions; null where one ended. A deque, not a vector: it grows a block at a time
  // instead of copying itself into one twice as big, which leaves the old one's memory behind.
  std::deque<std::shared_ptr<session>> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::unordered_set<session*, client_id_hash, same_client_id> by_client_id_;
  std::uint32_t serial_ = 0;
};

}  // namespace mothership::mqtt
