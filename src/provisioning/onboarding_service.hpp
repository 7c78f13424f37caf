#pragma once
// Onboarding (ARCHITECTURE.md §6, docs/device-protocol.md "Onboarding"), in either order:
//
//   device first      the device connects with serial + claim code and sends its hello (CSR);
//                     it waits, "awaiting approval", until a technician claims it.
//   technician first  the claim registers the device at once; the certificate is issued
//                     when the device's hello arrives.
//
// Either way the certificate goes to $provision/<serial>/certificate (retained, so a device
// that was offline finds it when it subscribes), and onboarding ends when the device first
// connects with that certificate (device_service records the completion).
//
// Every step and every refusal is audited. Wrong claim codes count against the serial: after
// `lockout_after_failures` of them it is locked for a while (lockout_base_s, doubling with
// each further lock up to lockout_max_s; an admin can lift it sooner), never for good, so
// that whoever knows a serial cannot block its onboarding. Wrong and unknown claims also
// count, with delays, against the source address. Every lock and unlock is audited.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.hpp"
#include "auth/login_throttle.hpp"
#include "events/event_bus.hpp"
#include "pki/certificate_authority.hpp"
#include "provisioning/checked_csr_cache.hpp"
#include "provisioning/errors.hpp"
#include "provisioning/onboarding_store.hpp"
#include "provisioning/template_store.hpp"
#include "registry/claim_codes.hpp"
#include "registry/record_store.hpp"
#include "registry/registry_service.hpp"
#include "storage/database.hpp"

namespace mothership::provisioning {

struct onboarding_settings {
  int lockout_after_failures = 5;
  int certificate_days = 365;
  std::string mqtt_endpoint;              // "host:port" of the TLS listener devices reconnect to
  int address_free_failures = 20;         // then each wrong claim from the address doubles a delay
  int lockout_base_s = 900;               // the first lock of a serial; each further one lasts twice as long
  int lockout_max_s = 86400;              // up to this
  std::function<common::millis()> clock;  // empty = common::now_ms (tests move time on)
};

// Sends an MQTT message to devices (the server's in-process client). QoS 1.
using mqtt_publisher = std::function<void(const std::string& topic, const std::string& payload, bool retain)>;

// A claim that succeeded: "completed" (certificate issued) or "awaiting_device".
struct claimed_device {
  std::string status;
  std::string device_id;
};
using claim_result = boost::system::result<claimed_device, claim_refusal>;

class onboarding_service {
 public:
  onboarding_service(storage::database& db, audit::audit_log& audit, events::event_bus* events,
                     const pki::certificate_authority& ca, const registry::claim_codes& codes,
                     onboarding_settings settings, mqtt_publisher publish);

  // A technician's claim: verifies the record (exists, not locked, code matches in constant
  // time, not registered) and registers the device. A record with a factory certificate and
  // no claim code has no code to check: the claim is the technician's approval alone. A
  // refusal's code is one of the claim refusals of provisioning::errc.
  claim_result claim(const std::string& serial, const std::string& code, const registry::change_author& by);

  // A device's CONNECT with serial + claim code: true when it may use $provision/<serial>/.
  // Refusals look the same to the device whatever the reason (the audit log has it).
  bool admit_device(const std::string& serial, const std::string& code, const std::string& source);
  // A device's CONNECT with a verified factory certificate: its serial when the fingerprint
  // is on record and the record can still be onboarded.
  std::optional<std::string> admit_factory_certificate(const std::string& sha256, const std::string& source);

  // A message on $provision/<serial>/hello: {"model", "firmware_version", "csr"}.
  void on_hello(const std::string& serial, const std::string& payload);

  // The device connected with its certificate for the first time: onboarding is over. The
  // record is written in the caller's transaction (device_service's, for the connection);
  // completed() then clears the retained certificate and tells the portal.
  void record_completion(storage::connection& c, const std::string& serial, const std::string& device_id);
  void completed(const std::string& serial, const std::string& device_id);

  std::vector<onboarding_request> pending(int limit);

  // Provisioning templates: the labels a newly registered device of a model starts with.
  // `labels_json` must be a JSON object of string values (the API checks it).
  provisioning_template save_template(const std::string& model, const std::string& labels_json,
                                      const registry::change_author& by);
  std::vector<provisioning_template> templates();

  // Where devices reconnect with their certificate; set before devices can reach the server.
  void set_mqtt_endpoint(std::string host_port) { settings_.mqtt_endpoint = std::move(host_port); }

 private:
  struct delivery;
  std::optional<delivery> issue(storage::connection& c, onboarding_request& request, const pki::checked_csr& csr,
                                common::millis now);
  void deliver(const delivery& d);
  void tell_device(const std::string& serial, boost::json::object status);
  void announce(const std::string& serial, const std::string& stage, const std::string& device_id,
                const std::string& reason = {});
  bool may_onboard(storage::connection& c, const registry::manufacturing_record& r);
  common::millis now() const;
  // True while `r` is locked. A lock that has run out is ended here (and audited).
  bool locked(storage::connection& c, registry::manufacturing_record& r, common::millis now, const std::string& source);
  // Counts a wrong claim code against the serial; audits the lock it may start.
  registry::record_store::claim_failure count_failure(storage::connection& c, const std::string& serial,
                                                      common::millis now, const std::string& source);
  void audit_failure(const std::string& action, audit::actor by, const std::string& serial, const std::string& source,
                     std::string_view reason);

  storage::database& db_;
  audit::audit_log& audit_;
  events::event_bus* events_;
  const pki::certificate_authority& ca_;
  const registry::claim_codes& codes_;
  onboarding_settings settings_;
  mqtt_publisher publish_;
  auth::login_throttle throttle_;
  checked_csr_cache csrs_;
};

}  // namespace mothership::provisioning
