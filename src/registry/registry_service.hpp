#pragma once
// The manufacturing registry: imports (all or nothing, every bad line reported), listing, and
// the admin's corrections (lift a claim lockout, re-enable a decommissioned record). Every
// change is audited in its own transaction.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.hpp"
#include "registry/claim_codes.hpp"
#include "registry/errors.hpp"
#include "registry/manufacturing_csv.hpp"
#include "registry/record_store.hpp"
#include "storage/database.hpp"

namespace mothership::registry {

struct import_result {
  std::int64_t imported = 0;
  std::string batch;
  std::vector<line_error> errors;  // non-empty = nothing was imported
};

// Who asks, for the audit log.
struct change_author {
  audit::actor by;
  std::string source;  // client address
};

class registry_service {
 public:
  registry_service(storage::database& db, audit::audit_log& audit, const claim_codes& codes)
      : db_(db), audit_(audit), codes_(codes) {}

  // `batch` names the import (empty: "import-<UTC time>").
  import_result import_csv(std::string_view csv, std::string batch, const change_author& author);

  std::vector<manufacturing_record> list(const record_store::list_filter& f);
  std::optional<manufacturing_record> find(const std::string& serial);

  // Clears the wrong-code count, lifts a lock and resets the lock count (the next lock is the
  // shortest again). Fails with errc::record_not_found.
  result<void> unlock(const std::string& serial, const change_author& author);
  // A decommissioned record becomes claimable again (status manufactured, no device). Fails
  // with errc::record_not_found or errc::not_decommissioned.
  result<void> re_enable(const std::string& serial, const change_author& author);

 private:
  storage::database& db_;
  audit::audit_log& audit_;
  const claim_codes& codes_;
};

}  // namespace mothership::registry
