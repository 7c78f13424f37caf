#include "server/mqtt_service.hpp"

#include <spdlog/spdlog.h>

#include "common/clock.hpp"
#include "mqtt/transport/tls_context.hpp"
#include "server/broker_metrics.hpp"

namespace mothership::server {

namespace {

mqtt::broker_limits broker_limits_from(const common::mqtt_config& cfg) {
  mqtt::broker_limits limits;
  limits.session.max_queued = static_cast<std::size_t>(cfg.max_queued);
  limits.max_retained = static_cast<std::size_t>(cfg.max_retained);
  limits.max_packet_size = static_cast<std::uint32_t>(cfg.max_packet_size);
  limits.receive_maximum = static_cast<std::uint16_t>(cfg.receive_maximum);
  limits.max_keep_alive_s = static_cast<std::uint16_t>(cfg.max_keep_alive_s);
  return limits;
}

mqtt::connection_limits connection_limits_from(const common::mqtt_config& cfg) {
  mqtt::connection_limits limits;
  limits.connect_timeout_s = cfg.connect_timeout_s;
  return limits;
}

// MQTT users are portal users: the username, and a current access token as the password
// (what a browser client of the WebSocket listener holds anyway). Disabled users and revoked
// tokens are refused; the connection lasts until the token expires. Devices: certificates from
// our CA, claim codes and factory certificates (device_fleet).
mqtt::fleet_policy_options policy_options(const common::mqtt_config& cfg, const auth::session_service& sessions,
                                          const device_trust& trust, user_connections& opened) {
  mqtt::fleet_policy_options options;
  options.allow_anonymous = cfg.allow_anonymous;
  options.verify_claim = trust.verify_claim;
  options.verify_factory_certificate = trust.verify_factory_certificate;
  options.is_revoked = trust.is_revoked;
  options.is_registered_serial = trust.is_registered_serial;
  options.verify_user = [&sessions, &opened](const mqtt::credentials& c) -> std::optional<mqtt::identity> {
    auto checked = sessions.check(*c.password);
    if (!checked || checked->who.username != *c.username) return std::nullopt;
    opened.note(c.client_id, checked->who.id, checked->claims.jti, checked->claims.exp);
    return mqtt::identity{mqtt::identity::kind::user, checked->who.id, static_cast<std::uint32_t>(checked->claims.exp)};
  };
  return options;
}

}  // namespace

mqtt_service::mqtt_service(const common::mqtt_config& cfg, const data_dir& dir, common::io_pool& io,
                           const auth::session_service& sessions, events::event_bus& bus, api::metrics& metrics,
                           device_trust trust, common::worker_pool* workers)
    : cfg_(cfg),
      dir_(dir),
      io_(io),
      trust_(std::move(trust)),
      policy_(policy_options(cfg, sessions, trust_, user_connections_)),
      broker_(broker_limits_from(cfg), policy_),
      listeners_(io, broker_, policy_, connection_limits_from(cfg), &bus, workers),
      clock_(io.main()) {
  // A user disabled or deleted between the check of their CONNECT and its arrival at the
  // broker was not there when the revocation ended the user's sessions: the clock catches it.
  user_gone_ = [&sessions](const mqtt::identity& who) { return !sessions.user_enabled(who.name); };
  add_broker_metrics(metrics, broker_, listeners_);
  // A user who is disabled, deleted, demoted or given a new password loses live MQTT
  // connections too; the first three lose their persistent sessions as well.
  revocations_ = bus.subscribe("user.access_revoked", [this](const events::event& e) {
    auto user_id = e.data.if_contains("user_id");
    if (!user_id || !user_id->is_string()) return;
    mqtt::identity who{mqtt::identity::kind::user, std::string(user_id->as_string())};
    auto end_sessions = e.data.if_contains("end_sessions");
    std::size_t ended =
        end_sessions && end_sessions->is_bool() && end_sessions->as_bool()
            ? broker_.end_sessions_of(who, mqtt::reason_code::administrative_action, std::chrono::steady_clock::now())
            : broker_.disconnect_identity(who, mqtt::reason_code::administrative_action);
    if (ended) spdlog::info("ended {} MQTT connection(s) or session(s) of user {}", ended, who.name);
  });
  // A user's connection is live under the id the broker accepted (or assigned).
  connections_ = bus.subscribe("mqtt.connected", [this](const events::event& e) {
    auto kind = e.data.if_contains("identity_kind");
    auto client_id = e.data.if_contains("client_id");
    auto user_id = e.data.if_contains("identity");
    if (!kind || !client_id || !user_id || !kind->is_string() || kind->as_string() != "user") return;
    user_connections_.connected(std::string(client_id->as_string()), std::string(user_id->as_string()));
  });
  // A logged-out token ends the connections it opened.
  token_revocations_ = bus.subscribe("auth.token_revoked", [this](const events::event& e) {
    auto jti = e.data.if_contains("jti");
    if (!jti || !jti->is_string()) return;
    for (const auto& [client_id, user_id] : user_connections_.opened_by(std::string(jti->as_string())))
      broker_.disconnect_client(client_id, {mqtt::identity::kind::user, user_id}, mqtt::reason_code::not_authorized);
  });
}

mqtt_service::~mqtt_service() = default;

mqtt::tls_settings mqtt_service::tls_settings() {
  if (tls_) return *tls_;
  mqtt::tls_files files{trust_.server_chain_file, trust_.server_key_file, trust_.client_ca_file};
  tls_ = mqtt::tls_settings{mqtt::make_server_tls_context(files), trust_.identity_of};
  return *tls_;
}

void mqtt_service::start(std::vector<std::string> ws_origins) {
  mqtt::ws_settings ws{std::move(ws_origins)};
  auto announce = [](const char* scheme, const boost::asio::ip::tcp::endpoint& at) {
    spdlog::info("MQTT listening on {}://{}:{}", scheme, at.address().to_string(), at.port());
  };
  if (!cfg_.listen.empty()) announce("mqtt", listeners_.listen_tcp(cfg_.listen));
  if (!cfg_.tls_listen.empty()) {
    tls_endpoint_ = listeners_.listen_tls(cfg_.tls_listen, tls_settings());
    announce("mqtts", *tls_endpoint_);
  }
  if (!cfg_.ws_listen.empty()) announce("ws", listeners_.listen_ws(cfg_.ws_listen, ws));
  if (!cfg_.wss_listen.empty()) announce("wss", listeners_.listen_wss(cfg_.wss_listen, tls_settings(), ws));
  if (cfg_.allow_anonymous)
    spdlog::warn(
        "mqtt.allow_anonymous is on: clients without credentials may use topics outside devices/ (development only)");

  if (cfg_.sys_interval_s > 0) {
    mqtt::local_client::message_handler ignore = [](const mqtt::publish&) {};
    sys_ = mqtt::local_client::connect(broker_, io_.main().get_executor(), "$SYS-publisher",
                                       {mqtt::identity::kind::internal, "sys"}, ignore);
  }
  tick();
}

void mqtt_service::stop() {
  listeners_.stop_accepting();
  clock_.cancel();
}

// Session expiry and delayed wills need a clock; $SYS rides on it.
void mqtt_service::tick() {
  auto now = std::chrono::steady_clock::now();
  auto unix_now_s = static_cast<std::uint32_t>(common::now_ms() / 1000);
  broker_.tick(now, unix_now_s, user_gone_);
  user_connections_.forget_expired(unix_now_s);
  if (sys_ && now >= next_sys_) {
    publish_sys();
    next_sys_ = now + std::chrono::seconds(cfg_.sys_interval_s);
  }
  clock_.expires_after(std::chrono::seconds(1));
  clock_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) tick();
  });
}

// Mosquitto-style names, retained so that a new subscriber sees the current values at once.
void mqtt_service::publish_sys() {
  const auto& s = broker_.stats();
  auto total = [](const std::atomic<std::uint64_t>(&by_qos)[3]) { return by_qos[0] + by_qos[1] + by_qos[2]; };
  auto uptime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_);
  const std::pair<const char*, std::string> values[] = {
      {"$SYS/broker/version", "mothership " MOTHERSHIP_VERSION},
      {"$SYS/broker/uptime", std::to_string(uptime.count()) + " seconds"},
      {"$SYS/broker/clients/connected", std::to_string(listeners_.open_connections())},
      {"$SYS/broker/sessions", std::to_string(broker_.session_count())},
      {"$SYS/broker/subscriptions/count", std::to_string(broker_.subscription_count())},
      {"$SYS/broker/retained messages/count", std::to_string(broker_.retained_count())},
      {"$SYS/broker/messages/received", std::to_string(total(s.messages_in))},
      {"$SYS/broker/messages/sent", std::to_string(total(s.messages_out))},
      {"$SYS/broker/messages/dropped",
       std::to_string(s.dropped_queue_full + s.dropped_slow_reader + s.dropped_too_large + s.dropped_expired)},
      {"$SYS/broker/bytes/received", std::to_string(s.bytes_in.load())},
      {"$SYS/broker/bytes/sent", std::to_string(s.bytes_out.load())},
  };
  for (const auto& [topic, value] : values) sys_->publish(topic, value, mqtt::qos::at_most_once, true);
}

}  // namespace mothership::server
