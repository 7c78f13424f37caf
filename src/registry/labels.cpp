#include "registry/labels.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace mothership::registry {

namespace {

bool has_control_character(std::string_view text) {
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7F) return true;
  return false;
}

}  // namespace

bool valid_label_key(std::string_view key) {
  if (key.empty() || key.size() > max_label_key) return false;
  for (unsigned char c : key)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.' || c == '/'))
      return false;
  return true;
}

bool reserved_label_key(std::string_view key) {
  return key == "model" || key == "firmware_version";
}

std::vector<label_issue> label_issues(const label_map& labels) {
  std::vector<label_issue> out;
  if (labels.size() > max_labels) out.push_back({"", "a device has at most 32 labels"});
  for (const auto& [key, value] : labels) {
    if (!valid_label_key(key))
      out.push_back({key, "keys are 1 to 63 characters: letters, digits, '-', '_', '.' and '/'"});
    else if (reserved_label_key(key))
      out.push_back({key, "'" + key + "' is a device field that selectors name, not a label"});
    else if (value.size() > max_label_value)
      out.push_back({key, "values are at most 128 bytes"});
    else if (has_control_character(value))
      out.push_back({key, "values may not contain control characters"});
  }
  return out;
}

label_map apply_patch(label_map labels, const label_patch& patch) {
  for (const auto& [key, value] : patch) {
    if (value)
      labels[key] = *value;
    else
      labels.erase(key);
  }
  return labels;
}

label_map parse_labels_json(std::string_view json) {
  label_map out;
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& [key, value] : v.as_object())
    if (value.is_string()) out.emplace(std::string(key), std::string(value.as_string()));
  return out;
}

std::string labels_json(const label_map& labels) {
  boost::json::object o;
  for (const auto& [key, value] : labels) o[key] = value;
  return boost::json::serialize(o);
}

}  // namespace mothership::registry
