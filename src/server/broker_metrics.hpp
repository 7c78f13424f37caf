#pragma once
// Broker figures on /metrics: connections, sessions, subscriptions, retained messages,
// messages and bytes by QoS, drops and refusals.
#include "api/metrics.hpp"
#include "mqtt/broker/broker.hpp"
#include "mqtt/transport/mqtt_server.hpp"

namespace mothership::server {

void add_broker_metrics(api::metrics& m, const mqtt::broker& b, const mqtt::mqtt_server& listeners);

}  // namespace mothership::server
