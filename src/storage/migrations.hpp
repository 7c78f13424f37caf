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

}  // namespace mothership::storage
