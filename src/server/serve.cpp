#include "server/serve.hpp"

#include <sys/resource.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "api/dispatcher.hpp"
#include "api/http_server.hpp"
#include "api/routes.hpp"
#include "auth/password.hpp"
#include "auth/password_strength.hpp"
#include "blob/filesystem_store.hpp"
#include "common/encoding.hpp"
#include "common/io_pool.hpp"
#include "common/secret_file.hpp"
#include "common/web_origins.hpp"
#include "common/worker_pool.hpp"
#include "events/event_bus.hpp"
#include "mqtt/transport/streams.hpp"
#include "mqtt/transport/tls_context.hpp"
#include "ota/firmware_catalog.hpp"
#include "registry/record_store.hpp"
#include "server/data_dir.hpp"
#include "server/device_alerts.hpp"
#include "server/device_jobs.hpp"
#include "server/device_telemetry.hpp"
#include "server/mqtt_service.hpp"
#include "server/report_sources.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace mothership::server {

namespace {

std::string find_web_dir(const common::config& cfg) {
  namespace fs = std::filesystem;
  if (!cfg.http.web_dir.empty()) return cfg.http.web_dir;
  for (fs::path candidate : {fs::path("web/dist"), fs::path("/usr/share/mothership/web")})
    if (fs::exists(candidate / "index.html")) return candidate.string();
  return "";
}

void create_first_admin(auth::user_service& users) {
  if (!users.empty()) return;
  const char* preset = std::getenv("MOTHERSHIP_ADMIN_PASSWORD");
  std::string password = preset && *preset ? preset : common::random_token(15);
  // A generated one is random, but cracklib refuses about one in thousands as "systematic".
  while ((!preset || !*preset) && auth::password_weakness(password, "admin")) password = common::random_token(15);
  // The initial password follows the same rules as every other one.
  if (auto weakness = auth::password_weakness(password, "admin"))
    throw std::runtime_error("MOTHERSHIP_ADMIN_PASSWORD is not accepted: " + *weakness + " (" +
                             std::string(auth::password_rules()) + ")");
  if (!users.ensure_first_admin(password, {"", "local"})) return;
  spdlog::info("created the first admin user 'admin'");
  if (!preset || !*preset) {
    // Printed once, to the console only: the log line above does not carry it.
    std::cerr << "\n  First admin created.\n    username: admin\n    password: " << password
              << "\n  Store it now; it is not shown again.\n\n"
              << std::flush;
  }
}

void add_pool_metrics(api::metrics& m, storage::database& db, common::worker_pool& pool) {
  m.add_collector([&db, &pool](std::string& out) {
    auto s = db.stats();
    out += "# TYPE mothership_db_pool_connections gauge\n";
    out += fmt::format("mothership_db_pool_connections {}\n", s.connections);
    out += "# TYPE mothership_db_pool_in_use gauge\n";
    out += fmt::format("mothership_db_pool_in_use {}\n", s.in_use);
    out += "# TYPE mothership_db_pool_waits_total counter\n";
    out += fmt::format("mothership_db_pool_waits_total {}\n", s.waits);
    out += "# TYPE mothership_worker_pool_threads gauge\n";
    out += fmt::format("mothership_worker_pool_threads {}\n", pool.threads());
    out += "# TYPE mothership_worker_pool_busy gauge\n";
    out += fmt::format("mothership_worker_pool_busy {}\n", pool.busy());
    out += "# TYPE mothership_worker_pool_pending gauge\n";
    out += fmt::format("mothership_worker_pool_pending {}\n", pool.pending());
  });
}

// Where devices reconnect with their certificate: the configured endpoint, else the TLS
// listener as bound, with a wildcard address replaced by the first server name.
std::string devices_endpoint(const common::config& cfg, std::optional<boost::asio::ip::tcp::endpoint> tls) {
  if (!cfg.provisioning.mqtt_endpoint.empty()) return cfg.provisioning.mqtt_endpoint;
  if (!tls) return "";
  std::string host = tls->address().to_string();
  if (tls->address().is_unspecified()) host = cfg.pki.server_names.substr(0, cfg.pki.server_names.find(','));
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return host + ":" + std::to_string(tls->port());
}

// The HTTPS listener's TLS: the MQTT listeners' context function (TLS 1.2+, one place for
// protocol and cipher policy); the certificate is http.tls_cert, else the one the MQTT TLS
// listeners use (by default issued by the platform CA, so a client that trusts /pki/ca.pem
// trusts both). It asks for a client certificate without requiring one: a device fetching its
// firmware presents its own, which its download link is checked against; browsers send none.
std::shared_ptr<boost::asio::ssl::context> https_context(const common::http_config& cfg, const device_trust& trust) {
  mqtt::tls_files files;
  files.certificate_chain = cfg.tls_cert.empty() ? trust.server_chain_file : cfg.tls_cert;
  files.private_key = cfg.tls_cert.empty() ? trust.server_key_file : cfg.tls_key;
  files.client_ca = trust.client_ca_file;
  return mqtt::make_server_tls_context(files);
}

// Which device an HTTPS client certificate names: one our CA issued and that is not revoked.
api::peer_device_fn device_of_connection(const device_trust& trust) {
  return [identity_of = trust.identity_of, is_revoked = trust.is_revoked](void* ssl) -> std::optional<std::string> {
    mqtt::tls_settings settings;
    settings.identity_of = identity_of;
    mqtt::peer_info peer;
    mqtt::read_peer_certificate(ssl, settings, peer);
    if (!peer.certificate || !peer.certificate->identity) return std::nullopt;
    if (is_revoked && is_revoked(peer.certificate->serial)) return std::nullopt;
    return peer.certificate->identity;
  };
}

// The base of absolute download links: the HTTPS listener when there is one, else plain
// HTTP, with a wildcard address replaced by the first server name.
std::string public_base_url(const common::config& cfg, const std::vector<common::portal_listener>& portals) {
  if (!cfg.http.public_url.empty()) return cfg.http.public_url;
  const common::portal_listener* chosen = nullptr;
  for (const auto& p : portals)
    if (!chosen || p.scheme == "https") chosen = &p;
  if (!chosen) return "";
  std::string host = chosen->host;
  if (host == "0.0.0.0" || host == "::") host = cfg.pki.server_names.substr(0, cfg.pki.server_names.find(','));
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return fmt::format("{}://{}:{}", chosen->scheme, host, chosen->port);
}

std::string url(const char* scheme, const boost::asio::ip::tcp::endpoint& at) {
  std::string host = at.address().to_string();
  if (at.address().is_v6()) host = "[" + host + "]";
  return fmt::format("{}://{}:{}", scheme, host, at.port());
}

// Every device holds a connection and every download a socket and a file: the default soft
// limit (often 1024) would refuse them long before the machine runs out. Raised to the hard
// limit, as servers do; past that the server answers 503 (see blob/filesystem_store.cpp).
void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  spdlog::info("open-file limit {}", static_cast<unsigned long long>(limit.rlim_cur));
}

}  // namespace

int serve(const common::config& cfg) {
  data_dir dir{cfg.storage.data_dir};
  auto tightened = dir.prepare();
  spdlog::info("mothership {} starting; data dir {}", MOTHERSHIP_VERSION, std::filesystem::absolute(dir.root).string());
  raise_open_file_limit();
  if (!tightened.empty()) {
    std::string names;
    for (const auto& p : tightened) names += (names.empty() ? "" : ", ") + p.string();
    spdlog::warn("data dir: other users could reach {}; now owner-only (directories 0700, database files 0600)", names);
  }

  storage::sqlite_database db(dir.database(), cfg.storage.workers + 1);
  audit::audit_log audit(db);
  events::event_bus bus;
  auth::user_service users(db, audit, &bus);
  create_first_admin(users);
  auth::access_token_codec tokens(auth::signing_key::load_or_create(dir.signing_key()), cfg.auth.issuer,
                                  cfg.auth.audience, cfg.auth.access_ttl_s);
  auth::login_throttle throttle(cfg.auth.login_free_failures, cfg.auth.login_max_delay_s);
  auth::revoked_tokens revoked(db, common::now_ms() / 1000);
  auth::session_service sessions(db, audit, users, tokens, throttle, revoked, cfg.auth.refresh_ttl_s, &bus);
  api::metrics metrics;

  api::router routes;
  api::add_routes(routes);
  std::string web_dir = find_web_dir(cfg);
  api::static_site site(web_dir);
  if (site.loaded())
    spdlog::info("serving the portal from {} ({} files)", web_dir, site.file_count());
  else
    spdlog::warn("portal not built (no web/dist); API only");

  device_fleet fleet(cfg, dir, db, audit, bus);
  api::fleet_services fleet_api{fleet.registry(), fleet.groups(), fleet.onboarding(), fleet.devices(), fleet.ca()};
  // Blobs (firmware images) and the firmware catalog over them.
  blob::download_links links(common::load_or_create_key(dir.download_link_key()));
  blob::filesystem_store blobs(dir.blobs(), links);
  api::download_services downloads{blobs, links};
  auto firmware_keys = ota::signing_keys::load(common::split_list(cfg.ota.signing_keys));
  ota::firmware_catalog firmware(db, audit, blobs, firmware_keys,
                                 {cfg.ota.max_firmware_bytes, cfg.ota.require_signature});
  // Every device has a manufacturing record, so the records name every model there is.
  firmware.set_known_models(registry::record_store::known_models);
  // The jobs engine; devices reach it over MQTT (device_jobs), people over the API.
  jobs::job_service jobs(db, audit, firmware, registry_targets(), &bus);
  firmware.set_in_use_check(jobs::job_store::firmware_in_use);
  device_jobs job_protocol(jobs, blobs, std::chrono::seconds(cfg.ota.download_link_ttl_s),
                           [&fleet](const std::string& t, const std::string& p, bool r) { fleet.publish(t, p, r); });
  jobs.set_notify([&job_protocol](const std::vector<std::string>& ids) { job_protocol.notify(ids); });
  fleet.set_job_hooks({[&job_protocol](const device_message& m) { job_protocol.on_request(m); },
                       [&job_protocol](const device_message& m) { job_protocol.on_busy(m); },
                       [&job_protocol](const std::string& id) { job_protocol.on_connected(id); }});
  // Telemetry: its own database file and writer; devices feed it through the broker.
  device_telemetry telemetry(cfg, dir);
  api::telemetry_services telemetry_api{telemetry.store(), telemetry.windows()};
  // Reports: generated in the background into the blob store, one kind per domain.
  reports::report_service reports(db, audit, blobs,
                                  {std::chrono::seconds(cfg.reports.link_ttl_s), cfg.reports.retention_days});
  add_report_kinds(reports, fleet.devices(), telemetry.store(), audit, jobs);
  reports.start();
  // Alerts: rules over what telemetry stored and over the devices' connections and heartbeats.
  device_alerts alerts(cfg, db, audit, bus);
  alerts.listen_to(telemetry);
  api::services svc{cfg, db,        audit,    users, sessions,      tokens,  metrics,         fleet_api,
                    bus, downloads, firmware, jobs,  telemetry_api, reports, alerts.service()};
  int io_threads =
      cfg.http.threads > 0 ? cfg.http.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  common::io_pool io(io_threads);
  common::worker_pool pool(cfg.storage.workers, cfg.storage.queue_limit);
  add_pool_metrics(metrics, db, pool);
  // Streamed uploads wait on their clients: their own threads, so they never hold up the pool.
  common::worker_pool streaming(cfg.http.max_streamed_requests, cfg.http.max_streamed_requests);
  api::dispatcher dispatch(svc, routes, site, pool, streaming);
  api::http_server http(io, cfg.http, dispatch);
  // Once: it may issue the server certificate, which HTTPS and the MQTT TLS listeners share.
  device_trust trust = fleet.trust();
  std::vector<common::portal_listener> portals;
  auto announce = [&portals](const char* scheme, const boost::asio::ip::tcp::endpoint& at) {
    spdlog::info("HTTP listening on {}", url(scheme, at));
    portals.push_back({scheme, at.address().to_string(), at.port()});
  };
  if (!cfg.http.listen.empty()) announce("http", http.listen(cfg.http.listen));
  if (!cfg.http.tls_listen.empty())
    announce("https",
             http.listen_tls(cfg.http.tls_listen, https_context(cfg.http, trust), device_of_connection(trust)));
  // Download links point at HTTPS when there is such a listener (devices fetch firmware there).
  blobs.set_public_url(public_base_url(cfg, portals));

  mqtt_service mqtt(cfg.mqtt, dir, io, sessions, bus, metrics, trust, &pool);
  telemetry.attach(mqtt.broker());  // before the first device can publish
  // Detached before the broker goes on every way out (an exception from a listener too).
  struct detach_telemetry {
    device_telemetry& t;
    ~detach_telemetry() { t.detach(); }
  } telemetry_detached_first{telemetry};
  metrics.add_collector([&telemetry](std::string& out) { telemetry.write_metrics(out); });
  telemetry.start_fleet_sampler(
      [&fleet, &b = mqtt.broker()] {
        const auto& in = b.stats().messages_in;
        return device_telemetry::fleet_sample{fleet.devices().count(true), in[0].load() + in[1].load() + in[2].load()};
      },
      std::chrono::seconds(cfg.telemetry.fleet_sample_s));
  // Before devices connect, so that their connections count; alerts go out as the server's
  // own MQTT messages once the fleet's client is attached (just below).
  alerts.start(
      [&fleet](const std::string& topic, const std::string& payload) { fleet.publish(topic, payload, false); });
  metrics.add_collector([&alerts](std::string& out) { alerts.write_metrics(out); });
  mqtt.start(common::ws_allowed_origins(cfg, portals));
  fleet.attach(mqtt.broker(), io, pool, devices_endpoint(cfg, mqtt.tls_endpoint()));
  metrics.add_collector([&fleet](std::string& out) { fleet.write_metrics(out); });
  // Rollouts, timeouts and retries advance once a second, in order with the devices' updates.
  job_protocol.start_scheduler(
      io.main(), [&fleet](std::function<void()> work) { return fleet.post_job_work(std::move(work)); },
      std::chrono::seconds(1));

  // SIGINT/SIGTERM: stop accepting, let requests in flight finish (up to 10 s), then stop.
  boost::asio::signal_set signals(io.main(), SIGINT, SIGTERM);
  boost::asio::steady_timer drain_timer(io.main());
  std::chrono::steady_clock::time_point drain_deadline;
  std::function<void()> check_drained = [&] {
    if (http.requests_in_flight() == 0 || std::chrono::steady_clock::now() > drain_deadline) {
      io.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([&](const boost::system::error_code&) { check_drained(); });
  };
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    spdlog::info("received signal {}; draining", signo);
    http.stop_accepting();
    job_protocol.stop_scheduler();
    mqtt.stop();
    drain_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    check_drained();
  });

  io.hold();
  io.run();
  job_protocol.stop_scheduler();
  streaming.stop();
  pool.stop();         // finish database work still queued before the database closes
  telemetry.detach();  // commits and acknowledges what devices sent last
  alerts.stop();       // after telemetry's last samples
  fleet.detach();
  spdlog::info("stopped");
  spdlog::default_logger()->flush();
  return 0;
}

}  // namespace mothership::server
