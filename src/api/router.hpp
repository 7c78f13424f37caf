#pragma once
// The route table. Every route names exactly one access rule: public, any authenticated user,
// or one permission from the RBAC table; the dispatcher enforces it before the handler runs.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/http_types.hpp"
#include "auth/access_token.hpp"
#include "auth/rbac.hpp"
#include "auth/user.hpp"
#include "common/config.hpp"

namespace mothership::api {

struct services;

struct access_rule {
  enum class kind { public_route, authenticated, permission } what;
  auth::permission needs = auth::permission::devices_read;  // when what == permission

  static access_rule anyone() { return {kind::public_route}; }
  static access_rule signed_in() { return {kind::authenticated}; }
  static access_rule require(auth::permission p) { return {kind::permission, p}; }
  std::string describe() const;  // "public", "authenticated", "users.manage"
};

struct request_context {
  const http_request& request;
  std::unordered_map<std::string, std::string> params;  // from {name} path segments
  std::optional<auth::user> user;                       // set unless the route is public
  std::optional<auth::access_claims> token;             // the bearer token's claims, with `user`

  const std::string& param(const std::string& name) const { return params.at(name); }
};

using handler_fn = http_response (*)(services&, request_context&);

// Where a handler runs: `inline_io` handlers are quick and never block (no database, no
// hashing); all others run on the worker pool, and handlers that stream their request body
// (below) on the streaming pool, where waiting for a slow client holds up no other request.
enum class runs_on { worker, inline_io };

// A route that takes a body too big for memory (a firmware image) names its size limit; the
// handler then reads request.body_stream as the bytes arrive instead of request.body.
using body_limit_fn = std::uint64_t (*)(const common::config&);

struct route {
  std::string method;
  std::string pattern;  // "/api/v1/users/{id}"
  access_rule access;
  handler_fn handler;
  runs_on where = runs_on::worker;
  body_limit_fn streamed_body_limit = nullptr;
};

class router {
 public:
  void add(route r);

  struct match {
    const route* matched = nullptr;
    std::unordered_map<std::string, std::string> params;
    std::vector<std::string> allowed_methods;  // when the path matched but not the method
  };
  match find(const std::string& method, const std::string& path) const;

  const std::vector<route>& routes() const { return routes_; }

 private:
  std::vector<route> routes_;
  std::vector<std::vector<std::string>> segments_;  // routes_[i]'s pattern split at '/', once
};

}  // namespace mothership::api
