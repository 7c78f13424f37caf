#include "storage/like.hpp"

namespace mothership::storage {

std::string like_contains(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '%';
  for (char c : text) {
    if (c == '\\' || c == '%' || c == '_') out += '\\';
    out += c;
  }
  out += '%';
  return out;
}

}  // namespace mothership::storage
