#pragma once
// Password strength, checked with libpwquality (and through it cracklib's dictionary) beside
// our length rule: trivial passwords (palindromes, runs such as "1234567890"), dictionary words
// and passwords derived from the username are refused. The same rules apply to every password a
// person sets: a new user, an admin's reset, one's own change, the initial admin password.
#include <optional>
#include <string>
#include <string_view>

namespace mothership::auth {

// Why `password` is not good enough for `username`, in the library's words ("The password
// fails the dictionary check - it is based on a dictionary word"); nullopt when it is.
std::optional<std::string> password_weakness(std::string_view password, std::string_view username);

// The rules in one sentence, for forms and error messages.
std::string_view password_rules();

}  // namespace mothership::auth
