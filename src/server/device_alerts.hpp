#pragma once
// The alerts side of `serve`, wired in one place: the alert service fed with what telemetry
// stored (only the keys some rule watches), the devices' heartbeats, connections and changes,
// and its alerts published to in-process MQTT subscribers on `$alerts/<rule id>/<device id>`.
#include <functional>
#include <string>

#include "audit/audit_log.hpp"
#include "common/config.hpp"
#include "events/event_bus.hpp"
#include "rules/alert_service.hpp"
#include "server/device_telemetry.hpp"
#include "storage/database.hpp"

namespace mothership::server {

class device_alerts {
 public:
  device_alerts(const common::config& cfg, storage::database& db, audit::audit_log& audit, events::event_bus& bus);

  // Before telemetry is attached to the broker: its stored samples and heartbeats come here.
  void listen_to(device_telemetry& telemetry);
  // Before devices connect. `publish` sends one MQTT message from the server (QoS 1).
  void start(std::function<void(const std::string& topic, const std::string& payload)> publish);
  void stop();

  rules::alert_service& service() { return service_; }
  void write_metrics(std::string& out) const;

 private:
  void on_event(const events::event& e);

  events::event_bus& bus_;
  rules::alert_service service_;
  events::event_bus::subscription connections_;
  events::event_bus::subscription devices_;
};

}  // namespace mothership::server
