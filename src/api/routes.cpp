#include "api/routes.hpp"

#include "api/handlers/handlers.hpp"

namespace mothership::api {

void add_routes(router& r) {
  using auth::permission;
  namespace h = handlers;
  const auto anyone = access_rule::anyone();
  const auto signed_in = access_rule::signed_in();
  const auto users_manage = access_rule::require(permission::users_manage);

  // clang-format off
  r.add({"GET",    "/healthz",                anyone,    h::healthz,      runs_on::inline_io});
  r.add({"GET",    "/readyz",                 anyone,    h::readyz});
  r.add({"GET",    "/metrics",                anyone,    h::metrics_text, runs_on::inline_io});
  r.add({"GET",    "/.well-known/jwks.json",  anyone,    h::jwks,         runs_on::inline_io});

  r.add({"POST",   "/api/v1/auth/login",      anyone,    h::login});
  r.add({"POST",   "/api/v1/auth/refresh",    anyone,    h::refresh});
  r.add({"POST",   "/api/v1/auth/logout",     anyone,    h::logout});
  r.add({"GET",    "/api/v1/me",              signed_in, h::me,           runs_on::inline_io});
  r.add({"POST",   "/api/v1/me/password",     signed_in, h::change_own_password});

  r.add({"GET",    "/api/v1/users",           users_manage, h::list_users});
  r.add({"POST",   "/api/v1/users",           users_manage, h::create_user});
  r.add({"GET",    "/api/v1/users/{id}",      users_manage, h::get_user});
  r.add({"PATCH",  "/api/v1/users/{id}",      users_manage, h::update_user});
  r.add({"DELETE", "/api/v1/users/{id}",      users_manage, h::delete_user});

  r.add({"GET",    "/api/v1/audit",           access_rule::require(permission::audit_read), h::list_audit});
  // clang-format on
}

}  // namespace mothership::api
