#pragma once
// Opaque, time-sortable identifiers: a type prefix and a ULID ("usr_01JD3...").
#include <string>
#include <string_view>

namespace mothership::common {

// prefix "usr" gives "usr_" + 26 Crockford base32 characters (48-bit ms time, 80 random bits).
std::string new_id(std::string_view prefix);

}  // namespace mothership::common
