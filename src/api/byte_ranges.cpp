#include "api/byte_ranges.hpp"

#include <charconv>
#include <optional>

namespace mothership::api {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::uint64_t> number(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

range_choice choose_range(const http_request& request, std::uint64_t size, std::string_view etag) {
  range_choice all{200, 0, size};
  const std::string* header = request.header("range");
  if (!header || request.method != "GET") return all;
  // If-Range with a date, or a weak or other tag: the file may have changed, send it whole.
  if (const std::string* if_range = request.header("if-range"); if_range && trim(*if_range) != etag) return all;

  std::string_view spec = trim(*header);
  if (!spec.starts_with("bytes=")) return all;  // an unknown unit is ignored (RFC 9110 §14.2)
  spec.remove_prefix(6);
  if (spec.find(',') != std::string_view::npos) return all;
  spec = trim(spec);
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return all;
  auto first_text = trim(spec.substr(0, dash));
  auto last_text = trim(spec.substr(dash + 1));

  if (first_text.empty()) {  // "-N": the last N bytes
    auto suffix = number(last_text);
    if (!suffix) return all;
    if (*suffix == 0 || size == 0) return {416, 0, 0};
    std::uint64_t n = std::min(*suffix, size);
    return {206, size - n, n};
  }
  auto first = number(first_text);
  if (!first) return all;
  if (*first >= size) return {416, 0, 0};
  std::uint64_t last = size - 1;
  if (!last_text.empty()) {
    auto given = number(last_text);
    if (!given || *given < *first) return all;  // invalid: ignored, as the RFC says
    last = std::min(*given, size - 1);
  }
  return {206, *first, last - *first + 1};
}

}  // namespace mothership::api
