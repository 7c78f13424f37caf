#pragma once
// The rule language, as a user types it in the portal:
//
//   condition := telemetry | offline | heartbeat
//   telemetry := key op number [for duration]
//              | key ("==" | "!=") (true | false | text) [for duration]
//   offline   := "offline" "for" duration
//   heartbeat := "heartbeat" "missing" count ("x" | "×")      e.g. 3x, 3×
//   op        := ">" | ">=" | "<" | "<=" | "==" | "!="
//   key       := [A-Za-z_][A-Za-z0-9_.-]*, at most 64 characters; "offline" and "heartbeat" are reserved
//   number    := [-] digits [. digits] [e [+-] digits]   (finite; no NaN or infinity)
//   text      := '"' characters '"', with \" and \\ as the only escapes, at most 256 characters
//   duration  := integer ("s" | "m" | "h" | "d"), 1 s to 30 days, no space inside
//   count     := integer 1 to 1000, no space before the x
//
// Keywords are case-sensitive; whitespace between tokens is free.
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "rules/condition.hpp"

namespace mothership::rules {

struct parse_error {
  std::size_t position = 0;  // byte offset into the text (0-based) where the problem starts
  std::string message;       // for the user; ends with " at <position>"
};

std::variant<condition, parse_error> parse_condition(std::string_view text);

}  // namespace mothership::rules
