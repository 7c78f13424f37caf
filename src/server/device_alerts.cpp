#include "server/device_alerts.hpp"

#include <boost/json/value.hpp>

namespace mothership::server {

namespace {

std::string text_of(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

rules::alert_settings settings_of(const common::alerts_config& cfg) {
  rules::alert_settings s;
  s.scope_refresh = std::chrono::seconds(cfg.scope_refresh_s);
  s.queue_limit = static_cast<std::size_t>(cfg.queue_samples);
  return s;
}

}  // namespace

device_alerts::device_alerts(const common::config& cfg, storage::database& db, audit::audit_log& audit,
                             events::event_bus& bus)
    : bus_(bus), service_(db, audit, bus, settings_of(cfg.alerts)) {}

void device_alerts::listen_to(device_telemetry& telemetry) {
  // On telemetry's writer thread, after each commit: only the samples some rule watches are
  // copied, so a fleet without telemetry rules costs a set lookup per key.
  telemetry.ingest().on_stored([this](const std::vector<telemetry::device_samples>& stored) {
    auto watched = service_.watched_keys();
    if (watched->empty()) return;
    std::vector<rules::sample_input> samples;
    for (const auto& d : stored) {
      if (d.device_id == device_telemetry::fleet_series) continue;
      for (const auto& s : d.samples)
        if (watched->contains(s.key)) samples.push_back({d.device_id, s.key, s.value, s.received_at});
    }
    service_.on_samples(std::move(samples));
  });
  telemetry.on_heartbeat(
      [this](const std::string& device_id, std::int64_t at) { service_.on_heartbeat(device_id, at); });
}

void device_alerts::start(std::function<void(const std::string&, const std::string&)> publish) {
  connections_ = bus_.subscribe("mqtt.", [this](const events::event& e) { on_event(e); });
  devices_ = bus_.subscribe("device.updated", [this](const events::event& e) { on_event(e); });
  service_.start(std::move(publish));
}

void device_alerts::stop() {
  connections_.reset();
  devices_.reset();
  service_.stop();
}

void device_alerts::on_event(const events::event& e) {
  if (e.type == "device.updated") {
    if (text_of(e.data, "lifecycle") == "decommissioned")
      service_.on_device_gone(e.subject);
    else
      service_.devices_changed();
    return;
  }
  if (text_of(e.data, "identity_kind") != "device") return;
  if (e.type == "mqtt.connected")
    service_.on_connected(text_of(e.data, "identity"), e.at_ms);
  else if (e.type == "mqtt.disconnected")
    service_.on_disconnected(text_of(e.data, "identity"), e.at_ms);
}

void device_alerts::write_metrics(std::string& out) const {
  const auto& s = service_.stats();
  auto line = [&](const char* name, const char* type, const char* help, std::uint64_t value) {
    out += std::string("# HELP mothership_alerts_") + name + " " + help + "\n# TYPE mothership_alerts_" + name + " " +
           type + "\nmothership_alerts_" + name + " " + std::to_string(value) + "\n";
  };
  line("raised_total", "counter", "Alerts raised.", s.raised.load());
  line("cleared_total", "counter", "Alerts cleared.", s.cleared.load());
  line("samples_total", "counter", "Telemetry samples evaluated against the rules.", s.samples.load());
  line("samples_dropped_total", "counter", "Samples dropped because the rules' queue was full.",
       s.samples_dropped.load());
  line("store_failures_total", "counter", "Alert changes that could not be stored.", s.store_failures.load());
  line("queued", "gauge", "Inputs waiting for the rules.", service_.queued());
  line("tracked_pairs", "gauge", "Rule and device pairs pending or raised.", service_.tracked_pairs());
}

}  // namespace mothership::server
