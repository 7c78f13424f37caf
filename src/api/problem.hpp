#pragma once
// RFC 7807 problem+json responses. Each kind of problem has a stable `type` URI that clients
// can switch on; `detail` is for people.
#include <boost/system/error_code.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/http_types.hpp"
#include "common/clock.hpp"
#include "provisioning/errors.hpp"
#include "registry/errors.hpp"
#include "reports/errors.hpp"
#include "rules/errors.hpp"

namespace mothership::api {

struct field_error {
  std::string field;
  std::string message;
};

constexpr std::string_view problem_base = "https://mothership.dev/problems/";

// slug: "forbidden", "validation", ... (see docs/openapi.yaml)
http_response problem(int status, std::string_view slug, std::string_view title, std::string_view detail,
                      const std::vector<field_error>& errors = {});

http_response bad_request(std::string_view detail);
http_response unauthorized(std::string_view detail);
http_response forbidden(std::string_view detail);
http_response not_found(std::string_view detail = "The resource does not exist.");
http_response validation_failed(std::vector<field_error> errors);
http_response internal_error();

// What a refusal may know beyond its code. problem_for puts it into the detail, into members
// of the problem document and into Retry-After.
struct refusal_facts {
  std::optional<int> retry_after_s;            // auth throttled, provisioning too_many_attempts
  std::optional<int> attempts_left;            // provisioning wrong_code: member `attempts_left`
  std::optional<common::millis> locked_until;  // provisioning locked_out: member `locked_until`
};

// The one mapping from domain error codes (auth, registry, provisioning) to HTTP problems:
// status, stable `type` slug, title and detail (mostly the code's message). A code of another
// category, or a value without a mapping, is a 500.
http_response problem_for(const boost::system::error_code& ec, const refusal_facts& facts = {});
// A refused claim: its code with its facts.
http_response problem_for(const provisioning::claim_refusal& r);
// A selector that does not parse, given in the request field `field`: 422 validation with the
// position as a member (`position`) and in the field's error.
http_response problem_for(const registry::selector_error& e, std::string_view field = "selector");
// A refused report request: unknown kind or format, bad filters (422 with the reason), a
// report not found (404), not ready yet (409 report-not-ready), failed or deleted (410).
http_response problem_for(const reports::refusal& r);
// A refused rule or alert change: 422 naming the field (and `position` for a condition or
// selector that does not parse), 404, 409 for a taken name (conflict) or a cleared alert
// (alert-cleared), 503 while alerts are not running.
http_response problem_for(const rules::refusal& r);
// Refused labels: 422 validation with one field error per key (`labels.<key>`, or `labels`).
http_response problem_for(const registry::label_refusal& r);

}  // namespace mothership::api
