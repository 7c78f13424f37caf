#pragma once
// The audit log: append-only and hash-chained. Each entry's hash is
// SHA-256(previous entry's hash || canonical JSON of the entry), so editing or deleting any row
// breaks the chain at that row, which verify() finds and names.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "storage/database.hpp"

namespace mothership::audit {

enum class outcome { success, failure, denied };
const char* to_string(outcome o);
std::optional<outcome> parse_outcome(std::string_view text);

struct actor {
  std::string type;  // user | device | system
  std::string id;
};

// Who asks for a change, for its audit entry: the actor and the client address ("" inside).
struct change_author {
  actor by;
  std::string source;
};

struct event {
  actor by;
  std::string action;  // "auth.login", "user.update", ...
  std::string target_type;
  std::string target_id;
  outcome result = outcome::success;
  std::string source;  // client address, "" for internal
  boost::json::object details;
};

struct entry {
  std::int64_t id = 0;
  common::millis time = 0;
  event what;
  std::string prev_hash;
  std::string hash;
};

struct filter {
  std::optional<std::string> actor_type, actor_id, action, target_type, target_id;
  std::optional<outcome> result;
  std::optional<common::millis> since, until;  // inclusive bounds
  std::optional<std::int64_t> before_id;       // cursor: entries older than this id
  int limit = 50;
};

struct page {
  std::vector<entry> items;  // newest first
  std::optional<std::int64_t> next_before_id;
};

struct verify_report {
  std::int64_t checked = 0;
  std::optional<std::int64_t> first_bad_id;  // set when the chain is broken
  std::string reason;
  std::string head_hash;  // the newest entry's hash: the anchor an export is compared with
  bool ok() const { return !first_bad_id; }
};

// Canonical JSON: objects with keys sorted, no whitespace; equal values give equal bytes.
std::string canonical_json(const boost::json::value& v);

// An entry's hash: SHA-256 of the previous hash followed by the canonical JSON of the entry's
// fields (id, time_ms, actor, action, target, result, source, its details as canonical text,
// prev_hash). What verify() recomputes, and what an exported entry can be checked against.
std::string chain_hash(const std::string& prev_hash, std::int64_t id, common::millis time, const event& e,
                       const std::string& details_canonical);

class audit_log {
 public:
  explicit audit_log(storage::database& db) : db_(db) {}

  entry append(const event& e);
  // Appends inside a caller's write transaction, so the change and its record commit together.
  entry append(storage::connection& c, const event& e);

  page find(const filter& f);
  verify_report verify();
  // The stored hash of entry `id`, if there is one.
  std::optional<std::string> hash_of(std::int64_t id);

 private:
  storage::database& db_;
};

}  // namespace mothership::audit
