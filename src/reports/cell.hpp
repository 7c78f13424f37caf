#pragma once
// One value of a report row, as it comes out of the database. std::monostate is SQL NULL.
#include <cstdint>
#include <string>
#include <variant>

namespace mothership::reports {

using cell = std::variant<std::monostate, std::int64_t, double, bool, std::string>;

}  // namespace mothership::reports
