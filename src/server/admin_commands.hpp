#pragma once
// Commands that work on a data directory directly, without a running server.
#include <optional>
#include <string>

namespace mothership::server {

// `mothership audit verify`: exit 0 when the chain is intact, 1 naming the first bad entry.
int audit_verify(const std::string& data_dir);
// An exported audit report (NDJSON, gzipped or not) checked offline; with `data_dir`, also that
// each of its entries is in that installation's chain with the same hash.
int audit_verify_export(const std::string& file, const std::optional<std::string>& data_dir);

// `mothership backup`: a consistent copy of the database while the server may be running.
int backup(const std::string& data_dir, const std::string& target);

}  // namespace mothership::server
