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
  dispatcher(services& s, const router& routes, const static_site& site, common::worker_pool& pool)
      : services_(s), routes_(routes), site_(site), pool_(pool) {}

  boost::asio::awaitable<http_response> handle(http_request request);

 private:
  boost::asio::awaitable<http_response> dispatch(http_request& request, std::string& route_label);
  boost::asio::awaitable<void> audit_denied(const http_request& request, const auth::user& who, const route& r);

  services& services_;
  const router& routes_;
  const static_site& site_;
  common::worker_pool& pool_;
};

}  // namespace mothership::api
