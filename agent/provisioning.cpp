// Onboarding as docs/device-protocol.md "Onboarding" describes it, from the device's side.

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "json_fields.hpp"
#include "session.hpp"

namespace mothership::agent {

namespace json = boost::json;

session_result run_provisioning(session_context& ctx) {
  const config& cfg = ctx.cfg;
  bool created = false;
  auto key = ctx.store.onboarding_key(&created);
  if (created)
    spdlog::info("generated a new EC P-256 key in {}", ctx.store.key_path());
  else
    spdlog::debug("onboarding with the key in {}", ctx.store.key_path());
  auto csr = make_csr(*key, cfg.serial);

  auto endpoint = *split_endpoint(cfg.endpoint);
  connect_request request;
  request.host = endpoint.host;
  request.port = endpoint.port;
  request.client_id = cfg.serial;
  const bool with_factory_certificate = cfg.factory_certificate.has_value();
  if (with_factory_certificate) {
    request.cert_file = cfg.factory_certificate;
    request.key_file = cfg.factory_key;
  } else {
    request.username = cfg.serial;
    request.password = cfg.claim_code;
  }
  request.ca_file = cfg.ca_file;
  request.version = cfg.version;
  request.keep_alive_s = cfg.keep_alive_s;
  spdlog::info("connecting to {} to onboard serial {} with its {}", cfg.endpoint, cfg.serial,
               with_factory_certificate ? "factory certificate" : "claim code");
  auto outcome = ctx.link.connect(request, connect_timeout);
  if (!outcome.connected) {
    if (outcome.refusal == reason::bad_user_name_or_password)
      return {session_end::retry, "the server refused onboarding for serial " + cfg.serial + ": " + outcome.detail +
                                      " (an unknown serial, a wrong claim code, a locked serial or one already "
                                      "onboarded all get this answer)"};
    if (with_factory_certificate && outcome.refusal == reason::not_authorized)
      return {session_end::retry, "the server refused the factory certificate of serial " + cfg.serial + ": " +
                                      outcome.detail +
                                      " (its fingerprint is not on record, or the serial is locked or already "
                                      "onboarded)"};
    return {session_end::retry, "cannot connect to " + cfg.endpoint + " for onboarding: " + outcome.detail};
  }
  ctx.reconnect.reset();

  const std::string prefix = "$provision/" + cfg.serial + "/";
  if (!ctx.link.subscribe({prefix + "certificate", prefix + "status"}, 1, request_timeout)) {
    ctx.link.disconnect(request_timeout);
    return {session_end::retry, "the server did not grant the subscriptions to " + prefix + "certificate and status"};
  }
  auto hello =
      json::serialize(json::object{{"model", cfg.model}, {"firmware_version", cfg.firmware_version}, {"csr", csr}});
  if (!ctx.link.publish(prefix + "hello", hello, 1, false)) {
    ctx.link.disconnect(request_timeout);
    return {session_end::retry, "cannot send the hello"};
  }
  spdlog::info("sent the hello for serial {} with a certificate signing request; waiting for the certificate",
               cfg.serial);

  while (true) {
    auto e = ctx.events.wait_until(std::chrono::steady_clock::time_point::max());
    if (!e) continue;
    if (std::holds_alternative<stop_event>(*e)) {
      ctx.link.disconnect(request_timeout);
      return {session_end::stop, {}};
    }
    if (auto* lost = std::get_if<lost_event>(&*e)) {
      auto why = lost->reason >= 0 ? describe_reason(lost->reason) : lost->cause;
      return {session_end::retry, "lost the onboarding connection: " + why};
    }
    auto& message = std::get<message_event>(*e);
    if (message.payload.empty()) continue;  // a retained certificate being cleared
    auto body = parse_object(message.payload);
    if (!body) {
      spdlog::warn("ignoring a message on {} that is not a JSON object", message.topic);
      continue;
    }
    if (message.topic == prefix + "status") {
      auto status = text_of(*body, "status");
      if (status == "awaiting_approval") {
        spdlog::info("waiting for a technician to approve serial {} in the portal", cfg.serial);
      } else if (status == "approved") {
        spdlog::info("serial {} approved as device {}", cfg.serial, text_of(*body, "device_id"));
      } else if (status == "rejected") {
        ctx.link.disconnect(request_timeout);
        return {session_end::rejected,
                "the server rejected the hello of serial " + cfg.serial + ": " + text_of(*body, "reason")};
      } else {
        spdlog::warn("unknown onboarding status {}", message.payload);
      }
      continue;
    }
    if (message.topic != prefix + "certificate") continue;
    auto certificate = text_of(*body, "certificate");
    identity id{text_of(*body, "device_id"), text_of(*body, "mqtt_endpoint")};
    if (id.mqtt_endpoint.empty()) id.mqtt_endpoint = cfg.endpoint;
    if (id.device_id.empty() || certificate.empty() || !split_endpoint(id.mqtt_endpoint)) {
      spdlog::warn("ignoring a certificate message without device_id, certificate or a valid mqtt_endpoint");
      continue;
    }
    // A retained certificate from an earlier attempt with another key (this device lost its
    // state) comes first; the one for the new key follows the hello.
    if (!certificate_matches_key(certificate, *key)) {
      spdlog::info("ignoring a certificate for another key (an earlier onboarding attempt); waiting for ours");
      continue;
    }
    auto ca_bundle = text_of(*body, "ca");
    ctx.store.save_onboarding(id, certificate, text_of(*body, "chain"),
                              ca_bundle.empty() ? read_file(cfg.ca_file).value_or("") : ca_bundle);
    auto info = inspect_certificate(certificate);
    spdlog::info("received the certificate for device {} (serial {}, valid until {}); stored in {}", id.device_id,
                 info ? info->serial_hex : "?", text_of(*body, "not_after"), ctx.store.dir());
    ctx.link.disconnect(request_timeout);
    return {session_end::reconnect_now, {}};
  }
}

}  // namespace mothership::agent
