#pragma once
// SQL for manufacturing_records. Functions take the caller's connection so that a change and
// its audit entry commit in one transaction.
#include <optional>
#include <string>
#include <vector>

#include "registry/manufacturing_record.hpp"
#include "storage/database.hpp"

namespace mothership::registry::record_store {

void insert(storage::connection& c, const manufacturing_record& r);
std::optional<manufacturing_record> find(storage::connection& c, const std::string& serial);
std::optional<manufacturing_record> find_by_factory_cert(storage::connection& c, const std::string& sha256);
// Which of these serials / factory fingerprints are already on record.
std::vector<std::string> existing_serials(storage::connection& c, const std::vector<std::string>& serials);
std::vector<std::string> existing_fingerprints(storage::connection& c, const std::vector<std::string>& sha256s);

// Which of these models some record names.
std::vector<std::string> known_models(storage::connection& c, const std::vector<std::string>& models);

struct list_filter {
  std::string search;  // substring of serial, model or batch; empty = all
  std::optional<record_status> status;
  std::optional<std::string> model;
  std::string after_serial;  // cursor
  int limit = 50;
};
std::vector<manufacturing_record> list(storage::connection& c, const list_filter& f);

void set_status(storage::connection& c, const std::string& serial, record_status s,
                const std::optional<std::string>& device_id, common::millis now);
struct lock_policy {
  int after_failures = 5;  // wrong claim codes that start a lock
  int base_s = 900;        // the first lock; each further one lasts twice as long as the one before
  int max_s = 86400;       // up to this
};
struct claim_failure {
  manufacturing_record record;  // as it is now
  bool locked_now = false;      // this failure started a lock
};
// Counts one wrong claim code on a record that is not locked; the failure that reaches
// `after_failures` starts the next lock (lock_duration_ms). Failures before an expired lock
// no longer count.
claim_failure record_claim_failure(storage::connection& c, const std::string& serial, const lock_policy& policy,
                                   common::millis now);
// Forgets a lock that has run out, and the failures before it; the lock count stays, so the
// next lock lasts longer.
void end_expired_lock(storage::connection& c, const std::string& serial, common::millis now);
// After a success or an admin's unlock: no failures, no lock, and the next lock is the shortest.
void clear_claim_failures(storage::connection& c, const std::string& serial, common::millis now);

}  // namespace mothership::registry::record_store
