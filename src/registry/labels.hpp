#pragma once
// Device labels: string key/value pairs that selectors match (registry/selector.hpp).
//
// Keys are 1 to 63 characters of letters, digits, '-', '_', '.' and '/'; `model` and
// `firmware_version` are reserved, because a selector names those device fields by them.
// Values are strings of at most 128 bytes without control characters; a device has at most 32
// labels. Provisioning templates follow the same rules, since their labels become a device's.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/errors.hpp"

namespace mothership::registry {

using label_map = std::map<std::string, std::string>;

// A change to a device's labels: a value sets the key, nullopt removes it (the API's JSON null);
// keys the patch does not name stay as they are.
using label_patch = std::map<std::string, std::optional<std::string>>;

inline constexpr std::size_t max_labels = 32;
inline constexpr std::size_t max_label_key = 63;
inline constexpr std::size_t max_label_value = 128;

// The character rule and length of a key (selectors and labels share it).
bool valid_label_key(std::string_view key);
// `model` and `firmware_version`: device fields, not labels.
bool reserved_label_key(std::string_view key);

// Why `labels` cannot be a device's labels, key by key (empty: they can).
std::vector<label_issue> label_issues(const label_map& labels);

label_map apply_patch(label_map labels, const label_patch& patch);

// devices.labels is a JSON object of strings; anything else in it (old or hand-edited rows) is
// skipped.
label_map parse_labels_json(std::string_view json);
std::string labels_json(const label_map& labels);

}  // namespace mothership::registry
