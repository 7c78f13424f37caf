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
// Counts one wrong claim code; locks the record when the count reaches `lock_after`.
// Returns the record as it is now.
manufacturing_record record_claim_failure(storage::connection& c, const std::string& serial, int lock_after,
                                          common::millis now);
void clear_claim_failures(storage::connection& c, const std::string& serial, common::millis now);

}  // namespace mothership::registry::record_store
