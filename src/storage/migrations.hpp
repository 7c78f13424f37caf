#pragma once
// Numbered schema migrations, compiled into the binary from migrations/<backend>/NNNN_name.sql.
#include <cstdint>
#include <string_view>
#include <vector>

namespace mothership::storage {

struct migration {
  std::int64_t version;
  std::string_view name;
  std::string_view sql;
};

const std::vector<migration>& sqlite_migrations();
// Telemetry's own schema (migrations/telemetry/sqlite): its samples, rollups and latest
// values live in a file of their own, so that ingest never waits for, or holds up, the
// writers of the platform's database.
const std::vector<migration>& telemetry_sqlite_migrations();

}  // namespace mothership::storage
