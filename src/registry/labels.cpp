#include "registry/labels.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace mothership::registry {

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

std::optional<std::string> label_problem(const label_map& labels) {
  if (labels.size() > max_labels) return "at most 32 labels";
  for (const auto& [key, value] : labels) {
    if (!valid_label_key(key)) return "label keys are 1 to 63 characters: letters, digits, '-', '_', '.' and '/'";
    if (reserved_label_key(key)) return "'" + key + "' is a device field, not a label";
    if (value.size() > max_label_value) return "label values are strings of at most 128 bytes";
  }
  return std::nullopt;
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
