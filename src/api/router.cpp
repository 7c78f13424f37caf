#include "api/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace mothership::api {

namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool matches(const std::vector<std::string>& want, const std::vector<std::string_view>& got,
             std::unordered_map<std::string, std::string>* params) {
  if (want.size() != got.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (is_parameter(want[i])) {
      if (got[i].empty()) return false;
    } else if (want[i] != got[i]) {
      return false;
    }
  }
  for (std::size_t i = 0; i < want.size(); ++i)
    if (is_parameter(want[i])) (*params)[want[i].substr(1, want[i].size() - 2)] = std::string(got[i]);
  return true;
}

}  // namespace

std::string access_rule::describe() const {
  switch (what) {
    case kind::public_route:
      return "public";
    case kind::authenticated:
      return "authenticated";
    case kind::permission:
      return std::string(auth::to_string(needs));
  }
  return "public";
}

void router::add(route r) {
  if (r.pattern.empty() || r.pattern.front() != '/') throw std::logic_error("route pattern must start with /");
  for (const auto& existing : routes_)
    if (existing.method == r.method && existing.pattern == r.pattern)
      throw std::logic_error("duplicate route " + r.method + " " + r.pattern);
  std::vector<std::string> parts;
  for (auto part : segments(r.pattern)) parts.emplace_back(part);
  segments_.push_back(std::move(parts));
  routes_.push_back(std::move(r));
}

router::match router::find(const std::string& method, const std::string& path) const {
  match out;
  if (path.empty() || path.front() != '/') return out;
  const std::string& lookup = method == "HEAD" ? std::string("GET") : method;
  const auto got = segments(path);
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const route& r = routes_[i];
    std::unordered_map<std::string, std::string> params;
    if (!matches(segments_[i], got, &params)) continue;
    if (r.method == lookup) {
      out.matched = &r;
      out.params = std::move(params);
      out.allowed_methods.clear();
      return out;
    }
    out.allowed_methods.push_back(r.method);
  }
  std::sort(out.allowed_methods.begin(), out.allowed_methods.end());
  return out;
}

}  // namespace mothership::api
