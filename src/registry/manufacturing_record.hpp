#pragma once
// What the factory made: one record per serial number (ARCHITECTURE.md §6).
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace mothership::registry {

enum class record_status { manufactured, registered, decommissioned };
std::string_view to_string(record_status s);
std::optional<record_status> parse_record_status(std::string_view text);

struct manufacturing_record {
  std::string serial;
  std::string model;
  std::string hw_revision;
  std::optional<std::string> claim_code_hash;      // HMAC-SHA256 (claim_codes), hex
  std::optional<std::string> factory_cert_sha256;  // lower-case hex
  std::string batch;
  record_status status = record_status::manufactured;
  std::optional<std::string> device_id;        // once registered
  int claim_failures = 0;                      // wrong claim codes since the last success, unlock or expired lock
  std::optional<common::millis> locked_at;     // when the current (or last, expired) lock began
  std::optional<common::millis> locked_until;  // claims are refused until then
  int lock_count = 0;                          // locks since the last success or admin unlock
  common::millis imported_at = 0;
  common::millis updated_at = 0;

  bool locked(common::millis now) const { return locked_until && *locked_until > now; }
  // A lock that has run out and is still on record (it is cleared at the next claim).
  bool lock_expired(common::millis now) const { return locked_until && *locked_until <= now; }
};

// How long the n-th lock (n >= 1) lasts: base_s, doubled for each lock before it, at most max_s.
common::millis lock_duration_ms(int n, int base_s, int max_s);

}  // namespace mothership::registry
