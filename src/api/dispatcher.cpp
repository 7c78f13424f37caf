#include "api/dispatcher.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "api/problem.hpp"

namespace mothership::api {

namespace {

// The decoded path may hold control characters (%0a); escape them so a request cannot write
// lines of its own into a text log.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f || c == '\\')
      out += fmt::format("\\x{:02x}", c);
    else
      out.push_back(static_cast<char>(c));
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

boost::asio::awaitable<http_response> dispatcher::handle(http_request request) {
  auto started = std::chrono::steady_clock::now();
  std::string route_label = "unmatched";
  http_response response;
  try {
    response = co_await dispatch(request, route_label);
  } catch (const common::overloaded_error&) {
    response = problem(503, "overloaded", "Server busy", "The server is overloaded; retry shortly.");
    response.with_header("Retry-After", "1");
  } catch (const std::exception& e) {
    spdlog::error("request {} {} {} failed: {}", request.request_id, request.method, printable(request.path), e.what());
    response = internal_error();
  }
  if (response.content_type == "application/problem+json") {
    // Problems carry the request id, so a user's report can be found in the log.
    response.body.insert(response.body.size() - 1, ",\"request_id\":\"" + request.request_id + "\"");
  }
  response.with_header("X-Request-Id", request.request_id);
  bool has_cache_policy = std::any_of(response.headers.begin(), response.headers.end(),
                                      [](const auto& h) { return h.first == "Cache-Control"; });
  if (!has_cache_policy) response.with_header("Cache-Control", "no-store");  // API answers are private

  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  services_.metrics.record_request(route_label, response.status, seconds);
  spdlog::info("http id={} remote={} {} {} status={} bytes={} duration_ms={:.2f}", request.request_id,
               request.remote_address, request.method, printable(request.path), response.status,
               response.content ? response.content->length() : response.body.size(), seconds * 1000);
  co_return response;
}

boost::asio::awaitable<http_response> dispatcher::dispatch(http_request& request, std::string& route_label) {
  auto found = routes_.find(request.method, request.path);
  if (!found.matched) {
    if (!found.allowed_methods.empty()) {
      route_label = "method_not_allowed";
      co_return problem(405, "method-not-allowed", "Method not allowed",
                        request.method + " is not allowed here; use " + join(found.allowed_methods) + ".")
          .with_header("Allow", join(found.allowed_methods));
    }
    if (auto page = site_.serve(request)) {
      route_label = "static";
      co_return std::move(*page);
    }
    co_return not_found("No route for " + request.path + ".");
  }
  const route& r = *found.matched;
  route_label = r.method + " " + r.pattern;
  request_context ctx{request, std::move(found.params), std::nullopt};

  if (r.access.what != access_rule::kind::public_route) {
    auto token = request.bearer_token();
    if (!token) co_return unauthorized("Send an access token: Authorization: Bearer <token>.");
    auto who = services_.sessions.check(*token);
    if (!who)
      co_return unauthorized("The access token is not valid (" + who.error().message() + ").")
          .with_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    ctx.user = std::move(who->who);
    ctx.token = std::move(who->claims);
    if (r.access.what == access_rule::kind::permission && !auth::allows(ctx.user->user_role, r.access.needs)) {
      co_await audit_denied(request, *ctx.user, r);
      co_return forbidden("Your role (" + std::string(auth::to_string(ctx.user->user_role)) + ") lacks the " +
                          std::string(auth::to_string(r.access.needs)) + " permission.");
    }
  }

  if (r.where == runs_on::inline_io) co_return r.handler(services_, ctx);
  services& s = services_;
  handler_fn fn = r.handler;
  auto& pool = r.streamed_body_limit ? streaming_ : pool_;
  co_return co_await pool.run<http_response>([&s, &ctx, fn] { return fn(s, ctx); });
}

std::optional<std::uint64_t> dispatcher::streamed_body_limit(const std::string& method, const std::string& path) const {
  auto found = routes_.find(method, path);
  if (!found.matched || !found.matched->streamed_body_limit) return std::nullopt;
  return found.matched->streamed_body_limit(services_.config);
}

boost::asio::awaitable<void> dispatcher::audit_denied(const http_request& request, const auth::user& who,
                                                      const route& r) {
  audit::event e{{"user", who.id},       "access.denied",        "route", r.method + " " + r.pattern,
                 audit::outcome::denied, request.remote_address, {}};
  e.details["permission"] = std::string(auth::to_string(r.access.needs));
  e.details["role"] = std::string(auth::to_string(who.user_role));
  e.details["path"] = request.path;
  audit::audit_log& log = services_.audit;
  co_await pool_.run<int>([&log, &e] {
    log.append(e);
    return 0;
  });
}

}  // namespace mothership::api
