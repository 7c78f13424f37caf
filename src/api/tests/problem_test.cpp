// problem_for: every domain error code has an HTTP problem (never the 500 of an unmapped one),
// with the status and `type` slug clients rely on, and the facts a refusal carries.
#include "api/problem.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "auth/errors.hpp"
#include "blob/errors.hpp"
#include "jobs/errors.hpp"
#include "ota/errors.hpp"
#include "registry/errors.hpp"

using namespace mothership;
using api::problem_for;
namespace json = boost::json;

namespace {

json::object body_of(const api::http_response& r) {
  return json::parse(r.body).as_object();
}

std::string slug_of(const api::http_response& r) {
  std::string type(body_of(r).at("type").as_string());
  return type.substr(type.rfind('/') + 1);
}

const std::string* header(const api::http_response& r, const std::string& name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return &v;
  return nullptr;
}

// Each category's values: 1, 2, ... while the category names them (value 0 is no errc, so its
// message is the category's fallback). A new errc has a message (-Wswitch points at the switch),
// so it is visited here.
std::vector<int> values_of(const boost::system::error_category& category) {
  std::vector<int> out;
  for (int v = 1; v < 1000 && category.message(v) != category.message(0); ++v) out.push_back(v);
  return out;
}

}  // namespace

TEST(problem_for, every_errc_of_every_category_maps_to_a_problem_that_is_not_a_500) {
  const boost::system::error_category* categories[] = {&auth::auth_category(), &registry::registry_category(),
                                                       &provisioning::provisioning_category(), &blob::blob_category()};
  for (const auto* category : categories) {
    auto values = values_of(*category);
    EXPECT_GE(values.size(), 2u) << category->name();
    for (int v : values) {
      boost::system::error_code ec(v, *category);
      auto r = problem_for(ec);
      SCOPED_TRACE(std::string(category->name()) + " " + std::to_string(v) + ": " + ec.message());
      EXPECT_GE(r.status, 400);
      EXPECT_LT(r.status, 500);
      EXPECT_EQ(r.content_type, "application/problem+json");
      auto body = body_of(r);
      EXPECT_EQ(body.at("status").as_int64(), r.status);
      EXPECT_TRUE(body.at("type").as_string().starts_with(api::problem_base));
      EXPECT_FALSE(body.at("title").as_string().empty());
      EXPECT_FALSE(body.at("detail").as_string().empty());
    }
    // One past the last value is no errc: an internal error, as for a code of another category.
    EXPECT_EQ(problem_for({static_cast<int>(values.size()) + 1, *category}).status, 500) << category->name();
  }
  EXPECT_EQ(values_of(auth::auth_category()).size(), 20u);
  EXPECT_EQ(values_of(registry::registry_category()).size(), 9u);
  EXPECT_EQ(values_of(provisioning::provisioning_category()).size(), 9u);
  EXPECT_EQ(values_of(blob::blob_category()).size(), 7u);
  EXPECT_EQ(values_of(ota::ota_category()).size(), 11u);
  EXPECT_EQ(values_of(jobs::jobs_category()).size(), 12u);
  EXPECT_EQ(problem_for(make_error_code(boost::system::errc::io_error)).status, 500);
}

TEST(problem_for, statuses_and_slugs_are_the_ones_clients_rely_on) {
  using pe = provisioning::errc;
  struct expected {
    boost::system::error_code ec;
    int status;
    std::string slug;
  };
  const expected table[] = {
      {auth::errc::invalid_credentials, 401, "unauthorized"},
      {auth::errc::throttled, 429, "rate-limited"},
      {auth::errc::user_not_found, 404, "not-found"},
      {auth::errc::username_taken, 409, "conflict"},
      {auth::errc::last_admin, 409, "conflict"},
      {auth::errc::wrong_current_password, 422, "validation"},
      {auth::errc::password_too_weak, 422, "validation"},
      {registry::errc::record_not_found, 404, "not-found"},
      {registry::errc::not_decommissioned, 409, "not-decommissioned"},
      {registry::errc::selector_syntax, 422, "validation"},
      {registry::errc::invalid_labels, 422, "validation"},
      {registry::errc::device_not_found, 404, "not-found"},
      {registry::errc::group_not_found, 404, "not-found"},
      {registry::errc::group_name_taken, 409, "conflict"},
      {registry::errc::invalid_group, 422, "validation"},
      {registry::errc::not_a_member, 404, "not-found"},
      {pe::device_not_found, 404, "not-found"},
      {pe::already_decommissioned, 409, "already-decommissioned"},
      {pe::unknown_serial, 404, "unknown-serial"},
      {pe::locked_out, 423, "locked-out"},
      {pe::wrong_code, 422, "wrong-claim-code"},
      {pe::already_registered, 409, "already-registered"},
      {pe::decommissioned, 409, "decommissioned"},
      {pe::too_many_attempts, 429, "too-many-attempts"},
      {pe::code_required, 422, "validation"},
      {blob::errc::not_found, 404, "not-found"},
      {blob::errc::too_large, 413, "payload-too-large"},
      {blob::errc::link_expired, 403, "bad-download-link"},
      {blob::errc::link_wrong_audience, 403, "bad-download-link"},
      {blob::errc::link_malformed, 403, "bad-download-link"},
      {ota::errc::version_taken, 409, "version-taken"},
      {ota::errc::firmware_in_use, 409, "firmware-in-use"},
      {ota::errc::signature_invalid, 422, "validation"},
      {jobs::errc::job_not_active, 409, "job-not-active"},
      {jobs::errc::no_targets, 422, "validation"},
  };
  for (const auto& e : table) {
    auto r = problem_for(e.ec);
    EXPECT_EQ(r.status, e.status) << e.ec.message();
    EXPECT_EQ(slug_of(r), e.slug) << e.ec.message();
  }
  EXPECT_EQ(problem_for(auth::errc::token_expired).headers.at(0).first, "WWW-Authenticate");
  auto required = body_of(problem_for(pe::code_required)).at("errors").as_array();
  ASSERT_EQ(required.size(), 1u);
  EXPECT_EQ(required[0].at("field").as_string(), "claim_code");
  EXPECT_EQ(body_of(problem_for(auth::errc::wrong_current_password)).at("errors").at(0).at("field").as_string(),
            "current_password");
  EXPECT_EQ(body_of(problem_for(registry::errc::not_decommissioned)).at("detail").as_string(),
            "Only a decommissioned record can be re-enabled.");
}

TEST(problem_for, a_selector_error_names_its_field_and_position) {
  auto r = problem_for(registry::selector_error{.message = "expected a value", .position = 7});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(slug_of(r), "validation");
  auto body = body_of(r);
  EXPECT_EQ(body.at("position").as_int64(), 7);
  EXPECT_EQ(body.at("detail").as_string(), "The selector is not well formed: expected a value at position 7.");
  EXPECT_EQ(body.at("errors").at(0).at("field").as_string(), "selector");
  EXPECT_EQ(body.at("errors").at(0).at("message").as_string(), "expected a value at position 7");
}

TEST(problem_for, refused_labels_give_one_field_error_per_key) {
  auto r = problem_for(registry::label_refusal{registry::errc::invalid_labels,
                                               {{"", "a device has at most 32 labels"}, {"bad key", "keys are ..."}}});
  EXPECT_EQ(r.status, 422);
  auto errors = body_of(r).at("errors").as_array();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].at("field").as_string(), "labels");
  EXPECT_EQ(errors[1].at("field").as_string(), "labels.bad key");
  EXPECT_EQ(problem_for(registry::label_refusal{registry::errc::device_not_found, {}}).status, 404);
}

TEST(problem_for, a_refusal_s_facts_go_into_the_problem_and_retry_after) {
  using pe = provisioning::errc;
  auto wrong = problem_for(provisioning::claim_refusal{.code = pe::wrong_code, .attempts_left = 2});
  EXPECT_EQ(body_of(wrong).at("attempts_left").as_int64(), 2);
  EXPECT_NE(body_of(wrong).at("detail").as_string().find("2 attempt(s) left"), json::string::npos);

  auto until = common::now_ms() + 90'500;
  auto locked = problem_for(provisioning::claim_refusal{.code = pe::locked_out, .locked_until = until});
  EXPECT_EQ(locked.status, 423);
  EXPECT_EQ(body_of(locked).at("locked_until").as_string(), common::to_rfc3339(until));
  ASSERT_TRUE(header(locked, "Retry-After"));
  EXPECT_EQ(*header(locked, "Retry-After"), "91");  // whole seconds, rounded up
  auto locked_unknown_until = problem_for(pe::locked_out);
  EXPECT_TRUE(body_of(locked_unknown_until).at("locked_until").is_null());
  EXPECT_FALSE(header(locked_unknown_until, "Retry-After"));

  auto busy = problem_for(provisioning::claim_refusal{.code = pe::too_many_attempts, .retry_after_s = 30});
  ASSERT_TRUE(header(busy, "Retry-After"));
  EXPECT_EQ(*header(busy, "Retry-After"), "30");

  auto throttled = problem_for(auth::errc::throttled, {.retry_after_s = 12});
  EXPECT_EQ(throttled.status, 429);
  ASSERT_TRUE(header(throttled, "Retry-After"));
  EXPECT_EQ(*header(throttled, "Retry-After"), "12");
  EXPECT_NE(body_of(throttled).at("detail").as_string().find("12 s"), json::string::npos);
}
