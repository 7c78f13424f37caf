#pragma once
// Turns one HTTP request into one response: route lookup (404/405), the access rule of the
// route (401/403, every 403 audited), the handler on the worker pool or inline, and the
// failures no handler should see (503 when the pool is full, 500 with the request id logged).
// Records metrics and writes one log line per request.
#include <boost/asio/awaitable.hpp>

#include "api/router.hpp"
#include "api/services.hpp"
#include "api/static_site.hpp"
#include "common/worker_pool.hpp"

namespace mothership::api {

class dispatcher {
 public:
  // `streaming`: the threads of handlers that read a streamed body (its size bounds how many
  // such requests run at once; more get 503).
  dispatcher(services& s, const router& routes, const static_site& site, common::worker_pool& pool,
             common::worker_pool& streaming)
      : services_(s), routes_(routes), site_(site), pool_(pool), streaming_(streaming) {}

  boost::asio::awaitable<http_response> handle(http_request request);

  // Before the body is read: the size limit of the route's streamed body, or nullopt when the
  // body is read whole (within http.max_body_bytes) as for most routes.
  std::optional<std::uint64_t> streamed_body_limit(const std::string& method, const std::string& path) const;

 private:
  boost::asio::awaitable<http_response> dispatch(http_request& request, std::string& route_label);
  boost::asio::awaitable<void> audit_denied(const http_request& request, const auth::user& who, const route& r);

  services& services_;
  const router& routes_;
  const static_site& site_;
  common::worker_pool& pool_;
  common::worker_pool& streaming_;
};

}  // namespace mothership::api
