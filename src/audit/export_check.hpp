#pragma once
// Checks an exported audit report (NDJSON, one entry per line, as the `audit` report kind
// writes it with its chain hashes) without the server: each entry's hash is recomputed from
// its fields and its prev_hash, and where the export holds consecutive entries (id n and n + 1)
// the later one must name the earlier one's hash as its prev_hash. A filtered export has gaps;
// they are counted, not errors. The newest entry's hash is the anchor to compare with the
// server's chain (`mothership audit verify` prints its head).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace mothership::audit {

struct export_report {
  std::int64_t entries = 0;
  std::int64_t links = 0;  // consecutive pairs whose link was checked
  std::int64_t gaps = 0;   // places where ids skip (a filtered export)
  std::optional<std::int64_t> first_bad_id;
  std::int64_t first_bad_line = 0;  // 1-based line of the bad entry
  std::string reason;
  std::optional<std::int64_t> newest_id;
  std::string newest_hash;
  bool ok() const { return reason.empty(); }
};

// `next_line` gives the file's lines (without the newline) until nullopt; `each` (optional)
// is told every entry whose own hash checked, to compare with a database.
export_report check_export(const std::function<std::optional<std::string>()>& next_line,
                           const std::function<void(std::int64_t id, const std::string& hash)>& each = {});

}  // namespace mothership::audit
