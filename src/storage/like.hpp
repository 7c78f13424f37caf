#pragma once
// Substring search with LIKE. `%` and `_` in what a user typed are wildcards to LIKE, and `\`
// would be taken as the escape character: each is escaped, and the statement must say so with
// `ESCAPE '\'` (standard SQL; SQLite and PostgreSQL both honour it), e.g.
//   sql += "serial LIKE " + n + like_escape_clause;
#include <string>
#include <string_view>

namespace mothership::storage {

// The pattern that matches `text` anywhere, literally: "%" + escaped text + "%".
std::string like_contains(std::string_view text);

inline constexpr std::string_view like_escape_clause = " ESCAPE '\\'";

}  // namespace mothership::storage
