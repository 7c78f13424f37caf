// The device at work: the mutual-TLS connection, reported state, heartbeats and certificate
// renewal (docs/device-protocol.md "Operating" and "Certificate renewal").

#include <spdlog/spdlog.h>
#include <sys/sysinfo.h>

#include <boost/json.hpp>
#include <ctime>

#include "json_fields.hpp"
#include "session.hpp"

namespace mothership::agent {

namespace json = boost::json;
using steady = std::chrono::steady_clock;

namespace {

inline constexpr std::chrono::seconds renewal_answer_timeout{30};

long long uptime_s() {
  struct sysinfo info {};
  return sysinfo(&info) == 0 ? static_cast<long long>(info.uptime) : 0;
}

std::string utc_text(std::chrono::system_clock::time_point t) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

const char* version_name(mqtt_version v) {
  return v == mqtt_version::v5 ? "MQTT 5" : "MQTT 3.1.1";
}

// A renewal in flight: the new key waits here until its certificate arrives.
struct pending_renewal {
  private_key key;
  steady::time_point deadline;
};

session_result reboot(session_context& ctx) {
  ctx.link.disconnect(request_timeout);
  return {session_end::reboot, {}};
}

}  // namespace

bool renewal_due(std::chrono::system_clock::time_point not_before, std::chrono::system_clock::time_point not_after,
                 std::chrono::system_clock::time_point now, double fraction) {
  auto total = std::chrono::duration<double>(not_after - not_before).count();
  auto left = std::chrono::duration<double>(not_after - now).count();
  if (total <= 0) return true;
  return left < fraction * total;
}

session_result run_operation(session_context& ctx, const identity& id, renewal_memory& renewal) {
  const config& cfg = ctx.cfg;
  auto endpoint = split_endpoint(id.mqtt_endpoint);
  connect_request request;
  request.host = endpoint->host;
  request.port = endpoint->port;
  request.client_id = id.device_id;
  auto ca_bundle = read_file(ctx.store.ca_path());
  request.ca_file = ca_bundle && !ca_bundle->empty() ? ctx.store.ca_path() : cfg.ca_file;
  request.cert_file = ctx.store.certificate_path();
  request.key_file = ctx.store.key_path();
  request.version = cfg.version;
  request.keep_alive_s = cfg.keep_alive_s;
  auto outcome = ctx.link.connect(request, connect_timeout);
  if (!outcome.connected) {
    if (outcome.refusal == reason::not_authorized)
      return {session_end::retry, "the server refused device " + id.device_id + ": " + outcome.detail +
                                      ": its certificate was revoked or the device decommissioned (an admin may "
                                      "reinstate it)"};
    return {session_end::retry,
            "cannot connect to " + id.mqtt_endpoint + " as device " + id.device_id + ": " + outcome.detail};
  }
  ctx.reconnect.reset();
  spdlog::info("connected to {} as device {} with mutual TLS ({})", id.mqtt_endpoint, id.device_id,
               version_name(cfg.version));

  const std::string base = "devices/" + id.device_id + "/";
  auto state = json::serialize(json::object{{"firmware_version", ctx.update.running_version()},
                                            {"model", cfg.model},
                                            {"serial", cfg.serial},
                                            {"uptime_s", uptime_s()},
                                            {"agent", "mothership-agent " MOTHERSHIP_AGENT_VERSION}});
  if (!ctx.link.publish(base + "state", state, 1, true)) return {session_end::retry, "cannot publish the state"};

  struct forget_link {
    updater& u;
    ~forget_link() { u.on_disconnected(); }
  } forget{ctx.update};
  if (!ctx.update.on_connected(ctx.link, id.device_id))
    spdlog::warn(
        "the server did not grant the subscription to devices/{}/jobs/#: no firmware updates on this "
        "connection",
        id.device_id);

  auto certificate = ctx.store.current_certificate();
  auto info = certificate ? inspect_certificate(*certificate) : std::nullopt;
  if (!info) spdlog::warn("cannot read the certificate in {}; it will not be renewed", ctx.store.certificate_path());
  std::optional<pending_renewal> pending;

  auto start_renewal = [&]() -> bool {
    if (!ctx.link.subscribe({base + "certificate", base + "certificate/rejected"}, 1, request_timeout)) {
      spdlog::warn("the server did not grant the subscriptions for the renewal answer; trying later");
      return false;
    }
    auto key = generate_key();
    auto csr = make_csr(*key, id.device_id);
    if (!ctx.link.publish(base + "certificate/renew", json::serialize(json::object{{"csr", csr}}), 1, false))
      return false;
    spdlog::info("renewing the certificate (serial {}, valid until {}) with a new key", info->serial_hex,
                 utc_text(info->not_after));
    pending = pending_renewal{std::move(key), steady::now() + renewal_answer_timeout};
    return true;
  };
  auto maybe_renew = [&] {
    if (!info || pending) return;
    auto now = steady::now();
    if (renewal.last_attempt && now - *renewal.last_attempt < std::chrono::seconds(cfg.renew_min_interval_s)) return;
    if (!renewal_due(info->not_before, info->not_after, std::chrono::system_clock::now(), cfg.renew_before_fraction))
      return;
    if (!start_renewal()) renewal.last_attempt = now;
  };

  maybe_renew();
  auto next_heartbeat = steady::now() + std::chrono::seconds(cfg.heartbeat_s);
  while (true) {
    auto deadline = pending ? std::min(next_heartbeat, pending->deadline) : next_heartbeat;
    if (auto update_deadline = ctx.update.next_deadline()) deadline = std::min(deadline, *update_deadline);
    auto e = ctx.events.wait_until(deadline);
    if (!e) {
      auto now = steady::now();
      if (ctx.update.on_tick(now) == update_step::reboot) return reboot(ctx);
      if (pending && now >= pending->deadline) {
        spdlog::warn("no answer to the certificate renewal within {} s; trying again later",
                     renewal_answer_timeout.count());
        pending.reset();
        renewal.last_attempt = now;
      }
      if (now >= next_heartbeat) {
        auto uptime = uptime_s();
        ctx.link.publish(base + "heartbeat", json::serialize(json::object{{"uptime_s", uptime}}), 1, false);
        spdlog::debug("sent a heartbeat (uptime {} s)", uptime);
        next_heartbeat = now + std::chrono::seconds(cfg.heartbeat_s);
        maybe_renew();
      }
      continue;
    }
    if (std::holds_alternative<stop_event>(*e)) {
      ctx.link.disconnect(request_timeout);
      return {session_end::stop, {}};
    }
    if (auto* lost = std::get_if<lost_event>(&*e)) {
      if (lost->reason == reason::administrative_action)
        return {session_end::retry, "the server dropped the connection of device " + id.device_id + ": " +
                                        describe_reason(lost->reason) +
                                        " (its certificate was revoked or the device decommissioned)"};
      auto why = lost->reason >= 0 ? "the server disconnected: " + describe_reason(lost->reason) : lost->cause;
      return {session_end::retry, "lost the connection to " + id.mqtt_endpoint + ": " + why};
    }
    if (auto* progress = std::get_if<download_progress>(&*e)) {
      ctx.update.on_event(*progress);
      continue;
    }
    if (auto* finished = std::get_if<download_finished>(&*e)) {
      if (ctx.update.on_event(*finished) == update_step::reboot) return reboot(ctx);
      continue;
    }
    auto& message = std::get<message_event>(*e);
    if (ctx.update.handles(message.topic)) {
      if (ctx.update.on_message(message) == update_step::reboot) return reboot(ctx);
      continue;
    }
    if (!pending) continue;
    boost::system::error_code ec;
    auto body = json::parse(message.payload, ec);
    if (ec || !body.is_object()) continue;
    if (message.topic == base + "certificate/rejected") {
      spdlog::error("the server rejected the certificate renewal: {}; trying again later",
                    text_of(body.as_object(), "reason"));
      pending.reset();
      renewal.last_attempt = steady::now();
      continue;
    }
    if (message.topic != base + "certificate") continue;
    auto renewed = text_of(body.as_object(), "certificate");
    if (!certificate_matches_key(renewed, *pending->key)) {
      spdlog::warn("ignoring a renewed certificate that is not for the new key");
      continue;
    }
    ctx.store.save_renewal(*pending->key, renewed, text_of(body.as_object(), "chain"));
    renewal.last_attempt = steady::now();
    auto renewed_info = inspect_certificate(renewed);
    spdlog::info("renewed the certificate (new serial {}, valid until {}); reconnecting with it",
                 renewed_info ? renewed_info->serial_hex : "?", text_of(body.as_object(), "not_after"));
    ctx.link.disconnect(request_timeout);
    return {session_end::reconnect_now, {}};
  }
}

}  // namespace mothership::agent
