// docs/openapi.yaml and the router must list the same (method, path) pairs, each with the
// same access rule (the operation's x-permission). Checked in both directions.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <string>

#include "api/router.hpp"
#include "api/routes.hpp"

using namespace mothership::api;

namespace {

std::string trim(std::string s) {
  s.erase(0, s.find_first_not_of(' '));
  s.erase(s.find_last_not_of(" \r") + 1);
  return s;
}

std::size_t indent_of(const std::string& line) {
  return line.find_first_not_of(' ');
}

// Reads the `paths:` section: path keys at indent 2, method keys at indent 4, and each
// operation's `x-permission` at indent 6. Returns "METHOD /path" -> permission.
std::map<std::string, std::string> operations_in(const std::string& file) {
  static const std::vector<std::string> methods = {"get", "put", "post", "delete", "patch", "head", "options"};
  std::ifstream in(file);
  std::map<std::string, std::string> out;
  std::string line, path, operation;
  bool in_paths = false;
  while (std::getline(in, line)) {
    if (line.empty() || trim(line).empty() || trim(line)[0] == '#') continue;
    std::size_t indent = indent_of(line);
    std::string text = trim(line);
    if (indent == 0) {
      in_paths = text == "paths:";
      continue;
    }
    if (!in_paths) continue;
    if (indent == 2 && text.front() == '/' && text.back() == ':') {
      path = text.substr(0, text.size() - 1);
      operation.clear();
    } else if (indent == 4 && text.back() == ':' &&
               std::find(methods.begin(), methods.end(), text.substr(0, text.size() - 1)) != methods.end()) {
      std::string method = text.substr(0, text.size() - 1);
      std::transform(method.begin(), method.end(), method.begin(), ::toupper);
      operation = method + " " + path;
      out[operation] = "";
    } else if (indent == 6 && !operation.empty() && text.rfind("x-permission:", 0) == 0) {
      std::string value = trim(text.substr(std::string("x-permission:").size()));
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\''))
        value = value.substr(1, value.size() - 2);
      out[operation] = value;
    }
  }
  return out;
}

}  // namespace

TEST(openapi_routes, document_and_router_list_the_same_operations_with_the_same_access) {
  auto documented = operations_in(std::string(MOTHERSHIP_SOURCE_DIR) + "/docs/openapi.yaml");
  ASSERT_FALSE(documented.empty()) << "docs/openapi.yaml has no paths";
  router r;
  add_routes(r);
  for (const auto& route : r.routes()) {
    std::string name = route.method + " " + route.pattern;
    auto it = documented.find(name);
    if (it == documented.end()) {
      ADD_FAILURE() << name << " is served but not in docs/openapi.yaml";
      continue;
    }
    EXPECT_EQ(it->second, route.access.describe()) << name << ": x-permission differs from the route's rule";
    documented.erase(it);
  }
  for (const auto& [name, permission] : documented) ADD_FAILURE() << name << " is documented but not served";
}
