#include "server/broker_metrics.hpp"

#include <fmt/format.h>

namespace mothership::server {

namespace {
void gauge(std::string& out, const char* name, const char* help, std::uint64_t value, const char* type = "gauge") {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
}
}  // namespace

void add_broker_metrics(api::metrics& m, const mqtt::broker& b, const mqtt::mqtt_server& listeners) {
  m.add_collector([&b, &listeners](std::string& out) {
    const auto& s = b.stats();
    gauge(out, "mothership_mqtt_connections", "Open MQTT network connections.", listeners.open_connections());
    gauge(out, "mothership_mqtt_sessions", "MQTT sessions, connected or kept for a returning client.",
          b.session_count());
    gauge(out, "mothership_mqtt_subscriptions", "Subscriptions in the index.", b.subscription_count());
    gauge(out, "mothership_mqtt_retained_messages", "Retained messages.", b.retained_count());
    out += "# HELP mothership_mqtt_messages_in_total PUBLISH packets received, by QoS.\n";
    out += "# TYPE mothership_mqtt_messages_in_total counter\n";
    for (int q = 0; q < 3; ++q)
      out += fmt::format("mothership_mqtt_messages_in_total{{qos=\"{}\"}} {}\n", q, s.messages_in[q].load());
    out += "# HELP mothership_mqtt_messages_out_total Deliveries to subscribers, by QoS.\n";
    out += "# TYPE mothership_mqtt_messages_out_total counter\n";
    for (int q = 0; q < 3; ++q)
      out += fmt::format("mothership_mqtt_messages_out_total{{qos=\"{}\"}} {}\n", q, s.messages_out[q].load());
    gauge(out, "mothership_mqtt_payload_bytes_in_total", "Payload bytes received.", s.bytes_in.load(), "counter");
    gauge(out, "mothership_mqtt_payload_bytes_out_total", "Payload bytes delivered or queued to subscribers.",
          s.bytes_out.load(), "counter");
    gauge(out, "mothership_mqtt_auth_failures_total", "CONNECTs refused by authentication.", listeners.auth_failures(),
          "counter");
    gauge(out, "mothership_mqtt_handshake_failures_total",
          "TLS or WebSocket handshakes that failed (e.g. a client certificate from another CA).",
          listeners.handshake_failures(), "counter");
    out += "# HELP mothership_mqtt_dropped_total Deliveries dropped, by reason.\n";
    out += "# TYPE mothership_mqtt_dropped_total counter\n";
    out += fmt::format("mothership_mqtt_dropped_total{{reason=\"queue_full\"}} {}\n", s.dropped_queue_full.load());
    out += fmt::format("mothership_mqtt_dropped_total{{reason=\"slow_reader\"}} {}\n", s.dropped_slow_reader.load());
    out += fmt::format("mothership_mqtt_dropped_total{{reason=\"too_large\"}} {}\n", s.dropped_too_large.load());
    out += fmt::format("mothership_mqtt_dropped_total{{reason=\"expired\"}} {}\n", s.dropped_expired.load());
    gauge(out, "mothership_mqtt_slow_subscriber_disconnects_total",
          "Subscribers disconnected for keeping their publishers waiting.", s.slow_disconnects.load(), "counter");
    gauge(out, "mothership_mqtt_denied_total", "PUBLISH and SUBSCRIBE refused by authorization.", s.denied.load(),
          "counter");
  });
}

}  // namespace mothership::server
