#include "server/device_fleet.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "pki/certificate_identity.hpp"
#include "pki/key_files.hpp"
#include "pki/server_certificate.hpp"

namespace mothership::server {

namespace {

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto name = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (!name.empty()) out.push_back(name);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

pki::certificate_authority load_ca(const common::pki_config& cfg, const data_dir& dir) {
  if (!cfg.ca_cert.empty()) {
    spdlog::info("using the issuing CA from {}", cfg.ca_cert);
    return pki::certificate_authority::import(pki::read_text_file(cfg.ca_cert), pki::read_text_file(cfg.ca_key));
  }
  bool fresh = !std::filesystem::exists(dir.issuing_ca_certificate());
  auto ca = pki::certificate_authority::load_or_create(
      {dir.root_ca_certificate(), dir.root_ca_key(), dir.issuing_ca_certificate(), dir.issuing_ca_key()}, "Mothership");
  if (fresh) spdlog::info("created the platform CA: {}", dir.issuing_ca_certificate());
  return ca;
}

// Each lane holds at most this much work: a device floods its own lane, not the server.
constexpr std::size_t lane_limit = 10000;

std::string text_of(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

device_fleet::device_fleet(const common::config& cfg, const data_dir& dir, storage::database& db,
                           audit::audit_log& audit, events::event_bus& bus)
    : cfg_(cfg),
      dir_(dir),
      ca_(load_ca(cfg.pki, dir)),
      codes_(registry::claim_codes::load_or_create(dir.claim_code_key())),
      registry_(db, audit, codes_),
      groups_(db, audit),
      onboarding_(
          db, audit, &bus, ca_, codes_,
          {cfg.provisioning.lockout_after_failures, cfg.pki.device_certificate_days, "",
           cfg.provisioning.address_free_failures, cfg.provisioning.lockout_base_s, cfg.provisioning.lockout_max_s},
          [this](const std::string& t, const std::string& p, bool r) { publish(t, p, r); }),
      devices_(
          db, audit, &bus, ca_, revoked_, onboarding_, cfg.pki.device_certificate_days,
          [this](const std::string& t, const std::string& p, bool r) { publish(t, p, r); },
          [this](const std::string& device_id) {
            if (!broker_) return;
            auto closed = broker_->disconnect_identity({mqtt::identity::kind::device, device_id},
                                                       mqtt::reason_code::administrative_action);
            if (closed) spdlog::info("closed {} MQTT connection(s) of device {}", closed, device_id);
          }),
      bus_(bus) {
  devices_.start();
}

device_fleet::~device_fleet() = default;

void device_fleet::detach() {
  connections_.reset();
  if (client_) client_->disconnect();
  client_.reset();
  broker_ = nullptr;
  // Before the worker pool their strands run on goes.
  topics_ = {};
  onboarding_lane_.reset();
  devices_lane_.reset();
  jobs_lane_.reset();
}

void device_fleet::write_metrics(std::string& out) const {
  const work_lane* lanes[] = {onboarding_lane_ ? &*onboarding_lane_ : nullptr,
                              devices_lane_ ? &*devices_lane_ : nullptr, jobs_lane_ ? &*jobs_lane_ : nullptr};
  auto each = [&](const char* name, const char* type, auto value) {
    out += fmt::format("# TYPE mothership_device_lane_{} {}\n", name, type);
    for (const auto* lane : lanes)
      if (lane) out += fmt::format("mothership_device_lane_{}{{lane=\"{}\"}} {}\n", name, lane->name(), value(*lane));
  };
  each("queued", "gauge", [](const work_lane& l) { return l.queued(); });
  each("handled_total", "counter", [](const work_lane& l) { return l.done(); });
  each("dropped_total", "counter", [](const work_lane& l) { return l.dropped(); });
  each("failed_total", "counter", [](const work_lane& l) { return l.failed(); });
}

device_trust device_fleet::trust() const {
  device_trust t;
  if (cfg_.mqtt.tls_cert.empty()) {
    if (pki::ensure_server_certificate(ca_, dir_.tls_key(), dir_.tls_certificate(), split_names(cfg_.pki.server_names),
                                       cfg_.pki.server_certificate_days))
      spdlog::info("issued the server's TLS certificate for {}: {}", cfg_.pki.server_names, dir_.tls_certificate());
    t.server_chain_file = dir_.tls_certificate();
    t.server_key_file = dir_.tls_key();
  } else {
    t.server_chain_file = cfg_.mqtt.tls_cert;
    t.server_key_file = cfg_.mqtt.tls_key;
  }
  // Client certificates: ours, plus the configured ones (factory CAs).
  std::string bundle = ca_.bundle_pem();
  if (!cfg_.mqtt.tls_client_ca.empty()) bundle += pki::read_text_file(cfg_.mqtt.tls_client_ca);
  pki::write_file_with_mode(dir_.client_ca_bundle(), bundle, 0644);
  t.client_ca_file = dir_.client_ca_bundle();

  const auto* ca = &ca_;
  t.identity_of = [ca](const void* x509, const void* issuer) -> std::optional<std::string> {
    if (!ca->issued_verified(x509, issuer)) return std::nullopt;
    return pki::device_id_of(x509);
  };
  auto* onboarding = const_cast<provisioning::onboarding_service*>(&onboarding_);
  t.verify_claim = [onboarding](const mqtt::credentials& c) -> mqtt::authentication {
    if (!c.username || !c.password || !onboarding->admit_device(*c.username, *c.password, c.address)) return {};
    return {mqtt::identity{mqtt::identity::kind::provisioning, *c.username}};
  };
  t.verify_factory_certificate = [onboarding](const mqtt::credentials& c) -> mqtt::authentication {
    auto serial = onboarding->admit_factory_certificate(c.certificate_sha256, c.address);
    if (!serial) return {std::nullopt, mqtt::reason_code::not_authorized};
    return {mqtt::identity{mqtt::identity::kind::provisioning, *serial}};
  };
  const auto* revoked = &revoked_;
  t.is_revoked = [revoked](std::string_view serial) { return revoked->contains(serial); };
  auto* registry = const_cast<registry::registry_service*>(&registry_);
  t.is_registered_serial = [registry](std::string_view serial) {
    return registry::is_valid_serial(serial) && registry->find(std::string(serial)).has_value();
  };
  return t;
}

void device_fleet::attach(mqtt::broker& b, common::io_pool& io, common::worker_pool& pool,
                          const std::string& mqtt_endpoint) {
  broker_ = &b;
  onboarding_.set_mqtt_endpoint(mqtt_endpoint);
  onboarding_lane_.emplace("onboarding", pool.executor(), lane_limit);
  devices_lane_.emplace("devices", pool.executor(), lane_limit);
  topics_.add("$provision/+/hello", *onboarding_lane_,
              [this](const device_message& m) { onboarding_.on_hello(m.sender, m.payload); });
  topics_.add("devices/+/state", *devices_lane_,
              [this](const device_message& m) { devices_.on_state(m.sender, m.payload); });
  topics_.add("devices/+/certificate/renew", *devices_lane_,
              [this](const device_message& m) { devices_.on_renew(m.sender, m.payload); });
  if (job_hooks_.on_request) {
    jobs_lane_.emplace("jobs", pool.executor(), lane_limit);
    topics_.add("devices/+/jobs/#", *jobs_lane_, job_hooks_.on_request, job_hooks_.on_busy);
  }

  client_executor_ = io.main().get_executor();
  client_ = mqtt::local_client::connect(
      b, client_executor_, "$fleet", {mqtt::identity::kind::internal, "fleet"},
      [this](const mqtt::publish& p) { topics_.route(p.topic, std::string(p.payload.begin(), p.payload.end())); });
  // No Local: the fleet's own answers and notifications (under the same topics) never come
  // back to it, so its lanes carry only what devices sent.
  client_->subscribe(topics_.filters(), mqtt::qos::at_least_once, true);
  connections_ = bus_.subscribe("mqtt.", [this](const events::event& e) { on_connection_event(e); });
}

void device_fleet::on_connection_event(const events::event& e) {
  if (text_of(e.data, "identity_kind") != "device") return;
  auto id = text_of(e.data, "identity");
  // On the lane of the devices' messages: a state update is handled after the connection it came on.
  if (e.type == "mqtt.connected") {
    devices_lane_->post_always(
        [this, id, address = text_of(e.data, "address")] { devices_.on_connected(id, address); });
    // A device that reconnects learns its pending job without asking (notify-next).
    if (jobs_lane_ && job_hooks_.on_connected) jobs_lane_->post_always([this, id] { job_hooks_.on_connected(id); });
  } else if (e.type == "mqtt.disconnected") {
    devices_lane_->post_always(
        [this, id, reason = text_of(e.data, "reason")] { devices_.on_disconnected(id, reason); });
  }
}

bool device_fleet::post_job_work(std::function<void()> work) {
  return jobs_lane_ && jobs_lane_->post(std::move(work));
}

// Any thread; the in-process client is used only on its executor.
void device_fleet::publish(const std::string& topic, const std::string& payload, bool retain) {
  if (!client_) {
    spdlog::warn("dropped a message to {}: the fleet is not attached to the broker yet", topic);
    return;
  }
  boost::asio::post(client_executor_, [client = client_, topic, payload, retain] {
    client->publish(topic, payload, mqtt::qos::at_least_once, retain);
  });
}

}  // namespace mothership::server
