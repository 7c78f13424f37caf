#pragma once
// Semantic versions (semver.org 2.0.0): what a firmware's version must be, and the order the
// jobs engine compares them in ("already on that version", "newer than").
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mothership::ota {

struct semver {
  std::uint64_t major = 0, minor = 0, patch = 0;
  std::vector<std::string> prerelease;  // "rc.1" -> {"rc", "1"}; empty = a release
  std::string build;                    // after '+': ignored by the order

  // Precedence (§11): numbers, then a pre-release sorts before its release, identifiers
  // compared one by one (numeric ones as numbers, and before alphanumeric ones).
  std::strong_ordering operator<=>(const semver& other) const;
  bool operator==(const semver& other) const { return (*this <=> other) == 0; }
};

// nullopt for anything the grammar refuses: leading zeros, empty identifiers, "v1.2.3".
std::optional<semver> parse_semver(std::string_view text);

}  // namespace mothership::ota
