#pragma once
// Time as the platform stores it: UTC integer milliseconds since the Unix epoch.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mothership::common {

using millis = std::int64_t;

millis now_ms();

// "2026-11-26T11:14:25.123Z"
std::string to_rfc3339(millis t);

// Accepts RFC 3339 with 'Z' or a numeric offset, with or without fractional seconds.
std::optional<millis> parse_rfc3339(std::string_view text);

}  // namespace mothership::common
