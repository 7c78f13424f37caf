#include "api/problem.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "auth/errors.hpp"
#include "blob/errors.hpp"
#include "jobs/errors.hpp"
#include "ota/errors.hpp"
#include "registry/errors.hpp"

namespace mothership::api {

namespace {

boost::json::object problem_body(int status, std::string_view slug, std::string_view title, std::string_view detail) {
  return {{"type", std::string(problem_base) + std::string(slug)},
          {"title", title},
          {"status", status},
          {"detail", detail}};
}

http_response problem_response(const boost::json::object& body) {
  int status = static_cast<int>(body.at("status").as_int64());
  return http_response{status, "application/problem+json", boost::json::serialize(body), {}};
}

}  // namespace

http_response problem(int status, std::string_view slug, std::string_view title, std::string_view detail,
                      const std::vector<field_error>& errors) {
  auto body = problem_body(status, slug, title, detail);
  if (!errors.empty()) {
    boost::json::array list;
    for (const auto& e : errors) list.push_back({{"field", e.field}, {"message", e.message}});
    body["errors"] = std::move(list);
  }
  return problem_response(body);
}

http_response bad_request(std::string_view detail) {
  return problem(400, "malformed-request", "Bad request", detail);
}

http_response unauthorized(std::string_view detail) {
  return problem(401, "unauthorized", "Authentication required", detail)
      .with_header("WWW-Authenticate", "Bearer realm=\"mothership\"");
}

http_response forbidden(std::string_view detail) {
  return problem(403, "forbidden", "Forbidden", detail);
}

http_response not_found(std::string_view detail) {
  return problem(404, "not-found", "Not found", detail);
}

http_response validation_failed(std::vector<field_error> errors) {
  return problem(422, "validation", "Validation failed", "The request has invalid fields.", errors);
}

http_response internal_error() {
  return problem(500, "internal", "Internal server error",
                 "The server failed to handle the request; quote the request id when reporting it.");
}

namespace {

// Retry-After for a time: whole seconds from now, rounded up.
int seconds_until(common::millis t) {
  auto wait_ms = std::max<common::millis>(0, t - common::now_ms());
  return static_cast<int>((wait_ms + 999) / 1000);
}

// A problem with one member more than problem() writes.
http_response problem_with(int status, std::string_view slug, std::string_view title, std::string_view detail,
                           std::string_view key, boost::json::value value) {
  auto body = problem_body(status, slug, title, detail);
  body[key] = std::move(value);
  return problem_response(body);
}

// 422 "validation" with a detail of its own (validation_failed's is generic).
http_response validation_problem(std::string_view detail, const std::vector<field_error>& errors) {
  return problem(422, "validation", "Validation failed", detail, errors);
}

http_response retry_after(http_response response, std::optional<int> seconds) {
  if (seconds) response.with_header("Retry-After", std::to_string(*seconds));
  return response;
}

http_response auth_problem(auth::errc e, const boost::system::error_code& ec, const refusal_facts& facts) {
  using auth::errc;
  switch (e) {
    case errc::invalid_credentials:
    case errc::refresh_invalid:
    case errc::refresh_reused:
    case errc::token_malformed:
    case errc::token_unsupported_alg:
    case errc::token_unknown_key:
    case errc::token_bad_signature:
    case errc::token_expired:
    case errc::token_wrong_issuer:
    case errc::token_wrong_audience:
    case errc::user_disabled:
    case errc::token_lifetime_too_long:
    case errc::token_not_yet_valid:
    case errc::token_revoked:
      return unauthorized(ec.message());
    case errc::throttled: {
      auto detail = facts.retry_after_s
                        ? "Too many failed attempts. Try again in " + std::to_string(*facts.retry_after_s) + " s."
                        : ec.message();
      return retry_after(problem(429, "rate-limited", "Too many requests", detail), facts.retry_after_s);
    }
    case errc::user_not_found:
      return not_found("No such user.");
    case errc::username_taken:
    case errc::last_admin:
      return problem(409, "conflict", "Conflict", ec.message());
    case errc::wrong_current_password:
      return validation_failed({{"current_password", "is not the current password"}});
    case errc::password_too_weak:
      return validation_failed({{"password", ec.message()}});
  }
  return internal_error();
}

http_response registry_problem(registry::errc e, const boost::system::error_code& ec) {
  using registry::errc;
  switch (e) {
    case errc::record_not_found:
      return not_found(ec.message());
    case errc::not_decommissioned:
      return problem(409, "not-decommissioned", "Not decommissioned", ec.message());
    case errc::device_not_found:
    case errc::group_not_found:
    case errc::not_a_member:
      return not_found(ec.message());
    case errc::group_name_taken:
      return problem(409, "conflict", "Conflict", ec.message());
    case errc::selector_syntax:
      return validation_problem(ec.message(), {{"selector", ec.message()}});
    case errc::invalid_labels:
      return validation_problem(ec.message(), {{"labels", ec.message()}});
    case errc::invalid_group:
      return validation_problem(ec.message(), {});
  }
  return internal_error();
}

http_response provisioning_problem(provisioning::errc e, const boost::system::error_code& ec,
                                   const refusal_facts& facts) {
  using provisioning::errc;
  switch (e) {
    case errc::device_not_found:
      return not_found(ec.message());
    case errc::already_decommissioned:
      return problem(409, "already-decommissioned", "Already decommissioned", ec.message());
    case errc::unknown_serial:
      return problem(404, "unknown-serial", "Unknown serial", ec.message());
    case errc::wrong_code: {
      if (!facts.attempts_left) return problem(422, "wrong-claim-code", "Wrong claim code", ec.message());
      auto detail =
          ec.message() + " " + std::to_string(*facts.attempts_left) + " attempt(s) left before the serial is locked.";
      return problem_with(422, "wrong-claim-code", "Wrong claim code", detail, "attempts_left", *facts.attempts_left);
    }
    case errc::locked_out: {
      if (!facts.locked_until)
        return problem_with(423, "locked-out", "Serial locked", ec.message(), "locked_until", nullptr);
      auto until = common::to_rfc3339(*facts.locked_until);
      auto detail =
          "Too many wrong claim codes for this serial: it is locked until " + until + ". An admin can lift the lock.";
      return retry_after(
          problem_with(423, "locked-out", "Serial locked", detail, "locked_until", boost::json::string(until)),
          seconds_until(*facts.locked_until));
    }
    case errc::already_registered:
      return problem(409, "already-registered", "Already registered", ec.message());
    case errc::decommissioned:
      return problem(409, "decommissioned", "Decommissioned", ec.message());
    case errc::too_many_attempts:
      return retry_after(problem(429, "too-many-attempts", "Too many attempts", ec.message()), facts.retry_after_s);
    case errc::code_required:
      return validation_failed({{"claim_code", "is required for this device (its record has a claim code)"}});
  }
  return internal_error();
}

http_response blob_problem(blob::errc e, const boost::system::error_code& ec) {
  using blob::errc;
  switch (e) {
    case errc::not_found:
      return not_found(ec.message());
    case errc::too_large:
      return problem(413, "payload-too-large", "Payload too large", ec.message());
    case errc::source_failed:
      return bad_request(ec.message());
    case errc::range_not_satisfiable:
      return problem(416, "range-not-satisfiable", "Range not satisfiable", ec.message());
    case errc::link_malformed:
    case errc::link_expired:
    case errc::link_wrong_audience:
      return problem(403, "bad-download-link", "Download link refused", ec.message());
  }
  return internal_error();
}

http_response ota_problem(ota::errc e, const boost::system::error_code& ec) {
  using ota::errc;
  switch (e) {
    case errc::firmware_not_found:
      return not_found(ec.message());
    case errc::version_taken:
      return problem(409, "version-taken", "Version taken", ec.message());
    case errc::firmware_in_use:
      return problem(409, "firmware-in-use", "Firmware in use", ec.message());
    case errc::invalid_version:
      return validation_failed({{"version", ec.message()}});
    case errc::invalid_models:
    case errc::unknown_model:
      return validation_failed({{"model", ec.message()}});
    case errc::invalid_metadata:
      return validation_failed({{"description", ec.message()}});
    case errc::signature_malformed:
    case errc::signature_invalid:
    case errc::signature_required:
    case errc::no_signing_keys:
      return validation_failed({{"signature", ec.message()}});
  }
  return internal_error();
}

http_response reports_problem(reports::errc e, const boost::system::error_code& ec, const std::string& detail) {
  using reports::errc;
  switch (e) {
    case errc::unknown_kind:
      return validation_failed({{"kind", ec.message()}});
    case errc::invalid_format:
      return validation_failed({{"format", ec.message()}});
    case errc::invalid_filters:
      return validation_failed({{"filters", detail.empty() ? ec.message() : detail}});
    case errc::report_not_found:
      return not_found(ec.message());
    case errc::report_not_ready:
      return problem(409, "report-not-ready", "Report not ready", ec.message());
    case errc::report_unavailable:
      return problem(410, "report-unavailable", "Report unavailable", ec.message());
  }
  return internal_error();
}

http_response rules_problem(const rules::refusal& r) {
  using rules::errc;
  auto ec = make_error_code(r.code);
  switch (r.code) {
    case errc::rule_not_found:
    case errc::alert_not_found:
      return not_found(ec.message());
    case errc::rule_name_taken:
      return problem(409, "conflict", "Conflict", r.detail.empty() ? ec.message() : r.detail,
                     {{r.field.empty() ? "name" : r.field, ec.message()}});
    case errc::alert_cleared:
      return problem(409, "alert-cleared", "Alert cleared", ec.message());
    case errc::stopped:
      return problem(503, "unavailable", "Service unavailable", ec.message()).with_header("Retry-After", "1");
    case errc::invalid_rule: {
      auto message = r.detail;
      if (r.position) message += " at position " + std::to_string(*r.position);
      auto body =
          problem_body(422, "validation", "Validation failed", "The " + r.field + " is not valid: " + message + ".");
      body["errors"] = boost::json::array{{{"field", r.field}, {"message", message}}};
      if (r.position) body["position"] = *r.position;
      return problem_response(body);
    }
  }
  return internal_error();
}

http_response jobs_problem(jobs::errc e, const boost::system::error_code& ec) {
  using jobs::errc;
  switch (e) {
    case errc::job_not_found:
    case errc::execution_not_found:
      return not_found(ec.message());
    case errc::firmware_not_found:
      return validation_failed({{"firmware_id", ec.message()}});
    case errc::no_targets:
    case errc::invalid_targets:
      return validation_failed({{"targets", ec.message()}});
    case errc::invalid_rollout:
      return validation_failed({{"rollout", ec.message()}});
    case errc::job_not_active:
      return problem(409, "job-not-active", "Job not active", ec.message());
    case errc::invalid_state_transition:
    case errc::version_mismatch:
    case errc::terminal_state_reached:
      return problem(409, "conflict", "Conflict", ec.message());
    case errc::invalid_status_details:
      return validation_failed({{"status_details", ec.message()}});
    case errc::invalid_request:
      return bad_request(ec.message());
  }
  return internal_error();
}

}  // namespace

http_response problem_for(const boost::system::error_code& ec, const refusal_facts& facts) {
  if (ec.category() == auth::auth_category()) return auth_problem(static_cast<auth::errc>(ec.value()), ec, facts);
  if (ec.category() == registry::registry_category())
    return registry_problem(static_cast<registry::errc>(ec.value()), ec);
  if (ec.category() == provisioning::provisioning_category())
    return provisioning_problem(static_cast<provisioning::errc>(ec.value()), ec, facts);
  if (ec.category() == blob::blob_category()) return blob_problem(static_cast<blob::errc>(ec.value()), ec);
  if (ec.category() == ota::ota_category()) return ota_problem(static_cast<ota::errc>(ec.value()), ec);
  if (ec.category() == jobs::jobs_category()) return jobs_problem(static_cast<jobs::errc>(ec.value()), ec);
  if (ec.category() == reports::reports_category())
    return reports_problem(static_cast<reports::errc>(ec.value()), ec, {});
  if (ec.category() == rules::rules_category())
    return rules_problem({static_cast<rules::errc>(ec.value()), {}, {}, {}});
  return internal_error();
}

http_response problem_for(const provisioning::claim_refusal& r) {
  return problem_for(r.code, {r.retry_after_s, r.attempts_left, r.locked_until});
}

http_response problem_for(const registry::selector_error& e, std::string_view field) {
  auto where = e.message + " at position " + std::to_string(e.position);
  auto detail = "The " + std::string(field) + " is not well formed: " + where + ".";
  auto body = problem_body(422, "validation", "Validation failed", detail);
  body["errors"] = boost::json::array{{{"field", field}, {"message", where}}};
  body["position"] = e.position;
  return problem_response(body);
}

http_response problem_for(const registry::label_refusal& r) {
  if (r.code != registry::errc::invalid_labels || r.issues.empty()) return problem_for(r.code);
  std::vector<field_error> errors;
  for (const auto& issue : r.issues)
    errors.push_back({issue.key.empty() ? "labels" : "labels." + issue.key, issue.message});
  return validation_problem(r.code.message(), errors);
}

http_response problem_for(const rules::refusal& r) {
  return rules_problem(r);
}

http_response problem_for(const reports::refusal& r) {
  return reports_problem(r.code, make_error_code(r.code), r.detail);
}

}  // namespace mothership::api
