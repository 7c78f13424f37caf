#include "ota/semver.hpp"

#include <algorithm>
#include <charconv>
#include <tuple>

namespace mothership::ota {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool identifier_chars(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
  });
}

std::optional<std::uint64_t> numeric(std::string_view s) {
  if (!all_digits(s) || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string_view> split(std::string_view s, char at) {
  std::vector<std::string_view> out;
  for (;;) {
    auto i = s.find(at);
    out.push_back(s.substr(0, i));
    if (i == std::string_view::npos) return out;
    s.remove_prefix(i + 1);
  }
}

std::strong_ordering compare_identifier(const std::string& a, const std::string& b) {
  bool a_num = all_digits(a), b_num = all_digits(b);
  if (a_num && b_num) {
    if (a.size() != b.size()) return a.size() <=> b.size();  // no leading zeros: longer is larger
    return a.compare(b) <=> 0;
  }
  if (a_num != b_num) return a_num ? std::strong_ordering::less : std::strong_ordering::greater;
  return a.compare(b) <=> 0;
}

}  // namespace

std::strong_ordering semver::operator<=>(const semver& o) const {
  if (auto c = std::tie(major, minor, patch) <=> std::tie(o.major, o.minor, o.patch); c != 0) return c;
  // A release follows its pre-releases: 1.0.0-rc.1 < 1.0.0.
  if (prerelease.empty() != o.prerelease.empty())
    return prerelease.empty() ? std::strong_ordering::greater : std::strong_ordering::less;
  for (std::size_t i = 0; i < std::min(prerelease.size(), o.prerelease.size()); ++i)
    if (auto c = compare_identifier(prerelease[i], o.prerelease[i]); c != 0) return c;
  return prerelease.size() <=> o.prerelease.size();
}

std::optional<semver> parse_semver(std::string_view text) {
  if (text.size() > 128) return std::nullopt;
  semver v;
  if (auto plus = text.find('+'); plus != std::string_view::npos) {
    v.build = std::string(text.substr(plus + 1));
    for (auto part : split(v.build, '.'))
      if (!identifier_chars(part)) return std::nullopt;
    text = text.substr(0, plus);
  }
  if (auto dash = text.find('-'); dash != std::string_view::npos) {
    for (auto part : split(text.substr(dash + 1), '.')) {
      if (!identifier_chars(part) || (all_digits(part) && !numeric(part))) return std::nullopt;
      v.prerelease.emplace_back(part);
    }
    text = text.substr(0, dash);
  }
  auto core = split(text, '.');
  if (core.size() != 3) return std::nullopt;
  auto major = numeric(core[0]), minor = numeric(core[1]), patch = numeric(core[2]);
  if (!major || !minor || !patch) return std::nullopt;
  v.major = *major;
  v.minor = *minor;
  v.patch = *patch;
  return v;
}

}  // namespace mothership::ota
