#pragma once
// Device labels: string key/value pairs that selectors match (registry/selector.hpp).
//
// Keys are 1 to 63 characters of letters, digits, '-', '_', '.' and '/'; `model` and
// `firmware_version` are reserved, because a selector names those device fields by them.
// Values are strings of at most 128 bytes; a device has at most 32 labels.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mothership::registry {

using label_map = std::map<std::string, std::string>;

inline constexpr std::size_t max_labels = 32;
inline constexpr std::size_t max_label_key = 63;
inline constexpr std::size_t max_label_value = 128;

// The character rule and length of a key (selectors and labels share it).
bool valid_label_key(std::string_view key);
// `model` and `firmware_version`: device fields, not labels.
bool reserved_label_key(std::string_view key);

// Why `labels` cannot be a device's labels, or nullopt when they can.
std::optional<std::string> label_problem(const label_map& labels);

// devices.labels is a JSON object of strings; anything else in it (old or hand-edited rows) is
// skipped.
label_map parse_labels_json(std::string_view json);
std::string labels_json(const label_map& labels);

}  // namespace mothership::registry
