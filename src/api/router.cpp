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

bool matches(const route& r, std::string_view path, std::unordered_map<std::string, std::string>* params) {
  auto want = segments(r.pattern);
  auto got = segments(path);
  if (want.size() != got.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      if (got[i].empty()) return false;
      if (params) (*params)[std::string(want[i].substr(1, want[i].size() - 2))] = std::string(got[i]);
    } else if (want[i] != got[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string access_rule::describe() const {
  switch (what) {
    case kind::public_route: return "public";
    case kind::authenticated: return "authenticated";
    case kind::permission: return std::string(auth::to_string(needs));
  }
  return "public";
}

void router::add(route r) {
  if (r.pattern.empty() || r.pattern.front() != '/') throw std::logic_error("route pattern must start with /");
  for (const auto& existing : routes_)
    if (existing.method == r.method && existing.pattern == r.pattern)
      throw std::logic_error("duplicate route " + r.method + " " + r.pattern);
  routes_.push_back(std::move(r));
}

router::match router::find(const std::string& method, const std::string& path) const {
  match out;
  if (path.empty() || path.front() != '/') return out;
  const std::string& lookup = method == "HEAD" ? std::string("GET") : method;
  for (const auto& r : routes_) {
    std::unordered_map<std::string, std::string> params;
    if (!matches(r, path, &params)) continue;
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
