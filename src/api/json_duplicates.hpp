#pragma once
// Duplicate object keys in a JSON text. Boost.JSON keeps the last of two equal keys without a
// word, so `{"role":"viewer","role":"admin"}` would be read as an admin by one parser and a
// viewer by another (a proxy, an audit tool): request bodies with duplicates are refused.
#include <optional>
#include <string>
#include <string_view>

namespace mothership::api {

// The first key that occurs twice in one object, at any depth; nullopt when there is none or
// when `text` is not JSON (the caller's parser reports that). Linear in the text; documents
// deeper than `max_depth` are not looked into (the caller's parser refuses them).
std::optional<std::string> first_duplicate_key(std::string_view text, std::size_t max_depth = 32);

}  // namespace mothership::api
