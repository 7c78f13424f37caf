#pragma once
// A static device group: a named set of devices that an admin keeps (job targets, filters).
#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.hpp"

namespace mothership::registry {

inline constexpr std::size_t max_group_name = 64;          // bytes, after trimming
inline constexpr std::size_t max_group_description = 512;  // bytes
inline constexpr std::size_t max_devices_per_change = 500;

struct group {
  std::string id;  // "grp_..."
  std::string name;
  std::string description;
  common::millis created_at = 0;
  common::millis updated_at = 0;
  std::optional<std::string> created_by;  // user id
  std::int64_t member_count = 0;
};

}  // namespace mothership::registry
