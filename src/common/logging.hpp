#pragma once
// Process-wide logging on spdlog: human text, or one JSON object per line for log shippers.
#include <string>

#include "common/config.hpp"

namespace mothership::common {

void init_logging(const log_config& cfg);

// Escapes a string for inclusion inside a JSON string literal.
std::string json_escape(std::string_view text);

}  // namespace mothership::common
