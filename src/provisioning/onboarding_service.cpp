#include "provisioning/onboarding_service.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/ids.hpp"
#include "pki/certificate_store.hpp"
#include "pki/csr.hpp"
#include "registry/device_store.hpp"
#include "registry/record_store.hpp"

namespace mothership::provisioning {

namespace json = boost::json;
using registry::record_status;

struct onboarding_service::delivery {
  std::string serial;
  std::string device_id;
  std::string payload;  // the certificate message
};

namespace {

// The longest delay for an address that keeps guessing.
constexpr int throttle_max_delay_s = 300;

audit::actor device_actor(const std::string& serial) {
  return {"device", serial};
}

// The address without its port ("10.0.0.9:5000", "[::1]:5000", "10.0.0.9" or "::1").
std::string host_of(const std::string& address) {
  if (!address.empty() && address.front() == '[') return address.substr(1, address.find(']') - 1);
  auto colon = address.find(':');
  if (colon != std::string::npos && address.find(':', colon + 1) == std::string::npos) return address.substr(0, colon);
  return address;
}

// The serial has its own time lock (in the registry); the throttle slows down one address
// that guesses across many serials.
std::string throttle_key(const std::string& address) {
  return "claim-from:" + host_of(address);
}

std::optional<std::string> text_field(const json::object& o, std::string_view key, std::size_t max) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_string() || v->as_string().size() > max) return std::nullopt;
  return std::string(v->as_string());
}

}  // namespace

onboarding_service::onboarding_service(storage::database& db, audit::audit_log& audit, events::event_bus* events,
                                       const pki::certificate_authority& ca, const registry::claim_codes& codes,
                                       onboarding_settings settings, mqtt_publisher publish)
    : db_(db),
      audit_(audit),
      events_(events),
      ca_(ca),
      codes_(codes),
      settings_(std::move(settings)),
      publish_(std::move(publish)),
      throttle_(settings_.address_free_failures, throttle_max_delay_s) {}

common::millis onboarding_service::now() const {
  return settings_.clock ? settings_.clock() : common::now_ms();
}

bool onboarding_service::locked(storage::connection& c, registry::manufacturing_record& r, common::millis now,
                                const std::string& source) {
  if (r.locked(now)) return true;
  if (r.lock_expired(now)) {
    registry::record_store::end_expired_lock(c, r.serial, now);
    audit_.append(
        c, {{"system", ""},
            "registry.unlock",
            "manufacturing_record",
            r.serial,
            audit::outcome::success,
            source,
            {{"by", "expiry"}, {"locked_until", common::to_rfc3339(*r.locked_until)}, {"lock_count", r.lock_count}}});
    r.claim_failures = 0;
    r.locked_at.reset();
    r.locked_until.reset();
  }
  return false;
}

registry::record_store::claim_failure onboarding_service::count_failure(storage::connection& c,
                                                                        const std::string& serial, common::millis now,
                                                                        const std::string& source) {
  registry::record_store::lock_policy policy{settings_.lockout_after_failures, settings_.lockout_base_s,
                                             settings_.lockout_max_s};
  auto failure = registry::record_store::record_claim_failure(c, serial, policy, now);
  if (failure.locked_now) {
    const auto& r = failure.record;
    audit_.append(c, {{"system", ""},
                      "registry.lock",
                      "manufacturing_record",
                      serial,
                      audit::outcome::success,
                      source,
                      {{"failures", r.claim_failures},
                       {"lock_count", r.lock_count},
                       {"duration_s", (*r.locked_until - now) / 1000},
                       {"locked_until", common::to_rfc3339(*r.locked_until)}}});
    spdlog::warn("serial {} locked until {} after {} wrong claim codes (lock {})", serial,
                 common::to_rfc3339(*r.locked_until), r.claim_failures, r.lock_count);
  }
  return failure;
}

void onboarding_service::audit_failure(const std::string& action, audit::actor by, const std::string& serial,
                                       const std::string& source, std::string_view reason) {
  audit_.append(
      {std::move(by), action, "manufacturing_record", serial, audit::outcome::failure, source, {{"reason", reason}}});
}

void onboarding_service::announce(const std::string& serial, const std::string& stage, const std::string& device_id,
                                  const std::string& reason) {
  if (!events_) return;
  json::object data{{"serial", serial}, {"stage", stage}};
  if (!device_id.empty()) data["device_id"] = device_id;
  if (!reason.empty()) data["reason"] = reason;
  events_->publish({"onboarding.updated", serial, std::move(data)});
}

void onboarding_service::tell_device(const std::string& serial, json::object status) {
  publish_("$provision/" + serial + "/status", json::serialize(status), false);
}

claim_result onboarding_service::claim(const std::string& serial, const std::string& code,
                                       const registry::change_author& by) {
  auto refuse = [&](const claim_refusal& r) -> claim_result {
    audit_failure("provisioning.claim", by.by, serial, by.source, to_string(r.code));
    announce(serial, "refused", "", std::string(to_string(r.code)));
    return r;
  };
  if (int wait = throttle_.retry_after(throttle_key(by.source), host_of(by.source)))
    return refuse({.code = errc::too_many_attempts, .retry_after_s = wait});
  auto now = this->now();
  std::optional<delivery> issued;
  std::optional<claimed_device> outcome;
  auto refusal = db_.write_result([&](storage::connection& c) -> std::optional<claim_refusal> {
    auto record = registry::record_store::find(c, serial);
    if (!record) return claim_refusal{errc::unknown_serial};
    if (locked(c, *record, now, by.source))
      return claim_refusal{.code = errc::locked_out, .locked_until = record->locked_until};
    // A record with a factory certificate and no claim code: the device proves what it is with
    // the certificate, and there is no code to check; the technician's approval is the claim.
    const bool certificate_only = !record->claim_code_hash && record->factory_cert_sha256;
    if (!certificate_only && code.empty()) return claim_refusal{errc::code_required};  // not a guess
    if (!certificate_only && (!record->claim_code_hash || !codes_.matches(serial, code, *record->claim_code_hash))) {
      auto after = count_failure(c, serial, now, by.source);
      if (after.locked_now) return claim_refusal{.code = errc::locked_out, .locked_until = after.record.locked_until};
      return claim_refusal{
          .code = errc::wrong_code,
          .attempts_left = std::max(0, settings_.lockout_after_failures - after.record.claim_failures)};
    }
    if (record->status == record_status::registered) return claim_refusal{errc::already_registered};
    if (record->status == record_status::decommissioned) return claim_refusal{errc::decommissioned};

    registry::device d;
    d.id = common::new_id("dev");
    d.serial = serial;
    d.model = record->model;
    d.hw_revision = record->hw_revision;
    d.labels_json = template_store::labels_for(c, record->model);
    d.onboarded_by = by.by.id;
    d.created_at = d.updated_at = now;
    registry::device_store::insert(c, d);
    registry::record_store::set_status(c, serial, record_status::registered, d.id, now);
    registry::record_store::clear_claim_failures(c, serial, now);

    auto request = onboarding_store::find(c, serial).value_or(onboarding_request{.serial = serial, .created_at = now});
    request.approved_by = by.by.id;
    request.approved_at = now;
    request.device_id = d.id;
    request.updated_at = now;
    if (request.csr) {
      if (auto checked = csrs_.check(serial, *request.csr)) issued = issue(c, request, *checked.csr, now);
    }
    onboarding_store::save(c, request);

    claimed_device r{issued ? "completed" : "awaiting_device", d.id};
    audit_.append(c, {by.by,
                      "provisioning.claim",
                      "device",
                      d.id,
                      audit::outcome::success,
                      by.source,
                      {{"serial", serial},
                       {"status", r.status},
                       {"with", certificate_only ? "factory_certificate" : "claim_code"}}});
    outcome = r;
    return std::nullopt;
  });
  if (refusal) {
    auto why = refusal->code;
    if (why == errc::wrong_code || why == errc::locked_out || why == errc::unknown_serial)
      throttle_.record_failure(throttle_key(by.source), host_of(by.source));
    return refuse(*refusal);
  }
  announce(serial, "verified", outcome->device_id);
  if (issued) {
    deliver(*issued);
  } else {
    announce(serial, "waiting_for_device", outcome->device_id);
  }
  return *outcome;
}

bool onboarding_service::may_onboard(storage::connection& c, const registry::manufacturing_record& r) {
  if (r.status == record_status::manufactured) return true;
  // Registered but not yet connected with its certificate: it may come back for it.
  if (r.status == record_status::registered && r.device_id) {
    auto d = registry::device_store::find(c, *r.device_id);
    return d && d->stage == registry::lifecycle::awaiting_certificate;
  }
  return false;
}

bool onboarding_service::admit_device(const std::string& serial, const std::string& code, const std::string& source) {
  auto refuse = [&](errc why) {
    audit_failure("provisioning.connect", device_actor(serial), serial, source, to_string(why));
    return false;
  };
  if (throttle_.retry_after(throttle_key(source), host_of(source))) return refuse(errc::too_many_attempts);
  auto now = this->now();
  auto refusal = db_.write_result([&](storage::connection& c) -> std::optional<errc> {
    auto record = registry::record_store::find(c, serial);
    if (!record) return errc::unknown_serial;
    if (locked(c, *record, now, source)) return errc::locked_out;
    if (!record->claim_code_hash || !codes_.matches(serial, code, *record->claim_code_hash)) {
      count_failure(c, serial, now, source);  // a lock it starts has its own audit entry
      return errc::wrong_code;
    }
    if (!may_onboard(c, *record))
      return record->status == record_status::decommissioned ? errc::decommissioned : errc::already_registered;
    if (record->claim_failures > 0) registry::record_store::clear_claim_failures(c, serial, now);
    audit_.append(c, {device_actor(serial),
                      "provisioning.connect",
                      "manufacturing_record",
                      serial,
                      audit::outcome::success,
                      source,
                      {{"with", "claim_code"}}});
    return std::nullopt;
  });
  if (refusal) {
    if (*refusal == errc::unknown_serial || *refusal == errc::wrong_code)
      throttle_.record_failure(throttle_key(source), host_of(source));
    return refuse(*refusal);
  }
  return true;
}

std::optional<std::string> onboarding_service::admit_factory_certificate(const std::string& sha256,
                                                                         const std::string& source) {
  auto now = this->now();
  auto serial = db_.write_result([&](storage::connection& c) -> std::optional<std::string> {
    auto record = registry::record_store::find_by_factory_cert(c, sha256);
    if (!record || locked(c, *record, now, source) || !may_onboard(c, *record)) return std::nullopt;
    audit_.append(c, {device_actor(record->serial),
                      "provisioning.connect",
                      "manufacturing_record",
                      record->serial,
                      audit::outcome::success,
                      source,
                      {{"with", "factory_certificate"}}});
    return record->serial;
  });
  if (!serial) audit_failure("provisioning.connect", {"device", ""}, "", source, "unknown_factory_certificate");
  return serial;
}

std::optional<onboarding_service::delivery> onboarding_service::issue(storage::connection& c,
                                                                      onboarding_request& request,
                                                                      const pki::checked_csr& csr, common::millis now) {
  if (!request.device_id) return std::nullopt;
  auto cert = ca_.issue_device(csr, *request.device_id, settings_.certificate_days);
  pki::certificate_store::insert(c, cert, *request.device_id, now);
  request.certificate_serial = cert.serial;
  request.issued_at = now;
  audit_.append(c, {{"system", ""},
                    "certificate.issue",
                    "device",
                    *request.device_id,
                    audit::outcome::success,
                    "",
                    {{"serial", request.serial},
                     {"certificate_serial", cert.serial},
                     {"sha256", cert.sha256},
                     {"key", csr.key_description()},
                     {"not_after", common::to_rfc3339(cert.not_after_ms)}}});
  json::object message{{"device_id", *request.device_id},
                       {"certificate", cert.certificate_pem},
                       {"chain", ca_.issuing_pem()},
                       {"ca", ca_.bundle_pem()},
                       {"mqtt_endpoint", settings_.mqtt_endpoint},
                       {"not_after", common::to_rfc3339(cert.not_after_ms)}};
  return delivery{request.serial, *request.device_id, json::serialize(message)};
}

void onboarding_service::deliver(const delivery& d) {
  csrs_.forget(d.serial);  // signed: only a new key needs checking from now on
  publish_("$provision/" + d.serial + "/certificate", d.payload, true);
  tell_device(d.serial, {{"status", "approved"}, {"device_id", d.device_id}});
  announce(d.serial, "certificate_issued", d.device_id);
}

void onboarding_service::on_hello(const std::string& serial, const std::string& payload) {
  auto reject = [&](const std::string& reason) {
    tell_device(serial, {{"status", "rejected"}, {"reason", reason}});
    audit_failure("provisioning.hello", device_actor(serial), serial, "", reason);
    announce(serial, "rejected", "", reason);
  };
  boost::system::error_code ec;
  auto parsed = json::parse(payload, ec);
  if (ec || !parsed.is_object()) return reject("the hello is not a JSON object");
  const auto& hello = parsed.as_object();
  auto csr = text_field(hello, "csr", 64 * 1024);
  if (!csr) return reject("the hello has no \"csr\" (a PEM certificate signing request)");
  auto checked = csrs_.check(serial, *csr);
  if (!checked) return reject(checked.refusal);

  auto now = common::now_ms();
  std::optional<delivery> issued;
  std::string stage;
  bool accepted = db_.write_result([&](storage::connection& c) {
    auto record = registry::record_store::find(c, serial);
    if (!record || !may_onboard(c, *record)) return false;
    auto request = onboarding_store::find(c, serial).value_or(onboarding_request{.serial = serial, .created_at = now});
    bool same_key_already_issued = request.certificate_serial && request.csr &&
                                   pki::check_csr(*request.csr).csr->key_sha256() == checked.csr->key_sha256();
    request.csr = *csr;
    request.model = text_field(hello, "model", 64);
    request.firmware_version = text_field(hello, "firmware_version", 64);
    request.hello_at = now;
    request.updated_at = now;
    // A hello after the certificate was issued for the same key needs nothing new: the
    // retained certificate message is still there. A new key gets a new certificate.
    if (request.device_id && !same_key_already_issued) issued = issue(c, request, *checked.csr, now);
    onboarding_store::save(c, request);
    stage = request.stage();
    audit_.append(c, {device_actor(serial),
                      "provisioning.hello",
                      "manufacturing_record",
                      serial,
                      audit::outcome::success,
                      "",
                      {{"model", request.model.value_or("")},
                       {"firmware_version", request.firmware_version.value_or("")},
                       {"key", checked.csr->key_description()},
                       {"record_model", record->model}}});
    return true;
  });
  if (!accepted) return reject("this serial cannot be onboarded");
  if (issued) {
    deliver(*issued);
  } else if (stage == "awaiting_approval") {
    tell_device(serial, {{"status", "awaiting_approval"}});
    announce(serial, "awaiting_approval", "");
  }
}

void onboarding_service::record_completion(storage::connection& c, const std::string& serial,
                                           const std::string& device_id) {
  onboarding_store::remove(c, serial);
  audit_.append(c, {{"device", device_id},
                    "device.onboarded",
                    "device",
                    device_id,
                    audit::outcome::success,
                    "",
                    {{"serial", serial}}});
}

void onboarding_service::completed(const std::string& serial, const std::string& device_id) {
  publish_("$provision/" + serial + "/certificate", "", true);  // clears the retained certificate
  announce(serial, "connected", device_id);
}

provisioning_template onboarding_service::save_template(const std::string& model, const std::string& labels_json,
                                                        const registry::change_author& by) {
  provisioning_template t{model, labels_json, by.by.id, common::now_ms()};
  db_.write([&](storage::connection& c) {
    template_store::save(c, t);
    audit_.append(c, {by.by,
                      "provisioning.template",
                      "provisioning_template",
                      model,
                      audit::outcome::success,
                      by.source,
                      {{"labels", json::parse(labels_json)}}});
  });
  return t;
}

std::vector<provisioning_template> onboarding_service::templates() {
  return db_.read_result([](storage::connection& c) { return template_store::list(c); });
}

std::vector<onboarding_request> onboarding_service::pending(int limit) {
  return db_.read_result([&](storage::connection& c) { return onboarding_store::list(c, limit); });
}

}  // namespace mothership::provisioning
