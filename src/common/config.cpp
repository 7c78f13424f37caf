#include "common/config.hpp"

#include <toml++/toml.h>
#include <charconv>
#include <cstdlib>
#include <functional>

namespace mothership::common {

namespace {

using setter = std::function<bool(config&, const std::string&)>;

struct setting {
  setting_info info;
  setter apply;
};

template <class Section, class Field>
setter make_setter(Section config::*section, Field Section::*field) {
  return [section, field](config& c, const std::string& text) -> bool {
    Field& target = c.*section.*field;
    if constexpr (std::is_same_v<Field, std::string>) {
      target = text;
      return true;
    } else if constexpr (std::is_same_v<Field, bool>) {
      if (text == "true" || text == "1" || text == "yes") return target = true, true;
      if (text == "false" || text == "0" || text == "no") return target = false, true;
      return false;
    } else {
      Field v{};
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || p != text.data() + text.size() || v < 0) return false;
      target = v;
      return true;
    }
  };
}

template <class Section, class Field>
setting entry(const char* section_name, const char* key, Section config::*section, Field Section::*field,
              const char* description) {
  config defaults;
  std::string def;
  const Field& value = defaults.*section.*field;
  if constexpr (std::is_same_v<Field, std::string>)
    def = value;
  else if constexpr (std::is_same_v<Field, bool>)
    def = value ? "true" : "false";
  else
    def = std::to_string(value);
  std::string env = std::string("MOTHERSHIP_") + section_name + "_" + key;
  for (auto& ch : env) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return {{std::string(section_name) + "." + key, env, def, description}, make_setter(section, field)};
}

const std::vector<setting>& table() {
  static const std::vector<setting> all = {
      entry("http", "listen", &config::http, &http_config::listen,
            "HTTP listen address HOST:PORT (port 0 = any free port); empty = no plain HTTP"),
      entry("http", "tls_listen", &config::http, &http_config::tls_listen,
            "HTTPS listen address HOST:PORT (TLS 1.2/1.3); empty = off"),
      entry("http", "tls_cert", &config::http, &http_config::tls_cert,
            "Certificate chain (PEM) for HTTPS; empty = the MQTT TLS listeners' certificate"),
      entry("http", "tls_key", &config::http, &http_config::tls_key, "Private key (PEM) of http.tls_cert"),
      entry("http", "public_url", &config::http, &http_config::public_url,
            "scheme://host[:port] that download links name (a reverse proxy or load balancer in front); "
            "empty = the HTTPS listener, else the HTTP one"),
      entry("http", "web_dir", &config::http, &http_config::web_dir,
            "Directory of the built portal (default: web/dist if present)"),
      entry("http", "max_body_bytes", &config::http, &http_config::max_body_bytes,
            "Largest request body accepted (413 above)"),
      entry("http", "max_header_bytes", &config::http, &http_config::max_header_bytes,
            "Largest request head accepted (431 above)"),
      entry("http", "header_timeout_s", &config::http, &http_config::header_timeout_s,
            "Seconds a client has to send the request head"),
      entry("http", "request_timeout_s", &config::http, &http_config::request_timeout_s,
            "Seconds for body, handling and response"),
      entry("http", "idle_timeout_s", &config::http, &http_config::idle_timeout_s,
            "Seconds an idle keep-alive connection is kept"),
      entry("http", "threads", &config::http, &http_config::threads, "I/O threads (0 = one per core)"),
      entry("http", "secure_cookies", &config::http, &http_config::secure_cookies,
            "Mark the refresh cookie Secure (behind HTTPS)"),
      entry("http", "max_streamed_requests", &config::http, &http_config::max_streamed_requests,
            "Requests that stream a large body (firmware uploads) handled at once; more get 503"),
      entry("mqtt", "listen", &config::mqtt, &mqtt_config::listen, "Plain MQTT (TCP) listener HOST:PORT; empty = off"),
      entry("mqtt", "tls_listen", &config::mqtt, &mqtt_config::tls_listen,
            "MQTT over TLS listener HOST:PORT (client certificates optional); empty = off"),
      entry("mqtt", "ws_listen", &config::mqtt, &mqtt_config::ws_listen,
            "MQTT over WebSocket listener HOST:PORT; empty = off"),
      entry("mqtt", "wss_listen", &config::mqtt, &mqtt_config::wss_listen,
            "MQTT over secure WebSocket listener HOST:PORT; empty = off"),
      entry("mqtt", "ws_allowed_origins", &config::mqtt, &mqtt_config::ws_allowed_origins,
            "Comma-separated origins (scheme://host:port) whose web pages may open the WebSocket listeners; "
            "empty = the portal's own (http.listen); upgrades without Origin are always accepted"),
      entry("mqtt", "tls_cert", &config::mqtt, &mqtt_config::tls_cert,
            "Server certificate chain (PEM) for TLS listeners; empty = issued by the platform CA"),
      entry("mqtt", "tls_key", &config::mqtt, &mqtt_config::tls_key, "Private key (PEM) of tls_cert"),
      entry("mqtt", "tls_client_ca", &config::mqtt, &mqtt_config::tls_client_ca,
            "Extra CA bundle (PEM) whose client certificates are accepted: factory CAs for onboarding"),
      entry("mqtt", "sys_interval_s", &config::mqtt, &mqtt_config::sys_interval_s,
            "Seconds between $SYS/broker/... updates; 0 = off"),
      entry("mqtt", "allow_anonymous", &config::mqtt, &mqtt_config::allow_anonymous,
            "Development: clients without credentials may use topics outside devices/ and $provision/"),
      entry("mqtt", "max_packet_size", &config::mqtt, &mqtt_config::max_packet_size,
            "Largest MQTT packet accepted, bytes"),
      entry("mqtt", "max_queued", &config::mqtt, &mqtt_config::max_queued,
            "QoS 1/2 messages queued per session before new ones are dropped"),
      entry("mqtt", "max_retained", &config::mqtt, &mqtt_config::max_retained, "Retained messages kept (topics)"),
      entry("mqtt", "receive_maximum", &config::mqtt, &mqtt_config::receive_maximum,
            "Unacknowledged QoS 2 messages a client may send"),
      entry("mqtt", "connect_timeout_s", &config::mqtt, &mqtt_config::connect_timeout_s,
            "Seconds a new connection has to send CONNECT"),
      entry("mqtt", "max_keep_alive_s", &config::mqtt, &mqtt_config::max_keep_alive_s,
            "Longest keep-alive a client may use (MQTT 5: Server Keep Alive); 0 = the client's"),
      entry("pki", "ca_cert", &config::pki, &pki_config::ca_cert,
            "Existing issuing CA certificate with its chain (PEM) to import; empty = create one in the data dir"),
      entry("pki", "ca_key", &config::pki, &pki_config::ca_key, "Private key (PEM) of pki.ca_cert"),
      entry("pki", "server_names", &config::pki, &pki_config::server_names,
            "Comma-separated host names and addresses in the server's TLS certificate"),
      entry("pki", "device_certificate_days", &config::pki, &pki_config::device_certificate_days,
            "Validity of device certificates, days"),
      entry("pki", "server_certificate_days", &config::pki, &pki_config::server_certificate_days,
            "Validity of the server's own TLS certificate, days (renewed at start when a third is left)"),
      entry("provisioning", "lockout_after_failures", &config::provisioning,
            &provisioning_config::lockout_after_failures,
            "Wrong claim codes before a serial is locked for a while (lockout_base_s, doubling)"),
      entry("provisioning", "lockout_base_s", &config::provisioning, &provisioning_config::lockout_base_s,
            "Seconds the first lock of a serial lasts; each further lock until a success or an admin's unlock "
            "lasts twice as long"),
      entry("provisioning", "lockout_max_s", &config::provisioning, &provisioning_config::lockout_max_s,
            "The longest lock of a serial, seconds"),
      entry("provisioning", "address_free_failures", &config::provisioning, &provisioning_config::address_free_failures,
            "Wrong or unknown claims from one address before each further one doubles a delay"),
      entry("provisioning", "mqtt_endpoint", &config::provisioning, &provisioning_config::mqtt_endpoint,
            "HOST:PORT devices are told to reconnect to with their certificate; empty = mqtt.tls_listen"),
      entry("blob", "require_device_certificate", &config::blob, &blob_config::require_device_certificate,
            "Download links made for a device work only over HTTPS with that device's client certificate "
            "(default: the link alone is enough; another device's certificate is always refused)"),
      entry("ota", "max_firmware_bytes", &config::ota, &ota_config::max_firmware_bytes,
            "Largest firmware image accepted by POST /api/v1/firmware (413 above)"),
      entry("ota", "download_link_ttl_s", &config::ota, &ota_config::download_link_ttl_s,
            "Seconds a device's firmware download link stays valid (resumable with Range within it)"),
      entry("ota", "signing_keys", &config::ota, &ota_config::signing_keys,
            "Comma-separated PEM files of ECDSA P-256 public keys; a firmware signature must verify against one"),
      entry("ota", "require_signature", &config::ota, &ota_config::require_signature,
            "Refuse firmware uploads without a signature"),
      entry("telemetry", "batch_rows", &config::telemetry, &telemetry_config::batch_rows,
            "Telemetry rows per commit at most (the writer commits at this many, or after batch_ms)"),
      entry("telemetry", "batch_ms", &config::telemetry, &telemetry_config::batch_ms,
            "Milliseconds the oldest waiting telemetry row waits for its commit at most"),
      entry("telemetry", "batch_idle_ms", &config::telemetry, &telemetry_config::batch_idle_ms,
            "Milliseconds of no new telemetry after which the writer commits what it has (0: off)"),
      entry("telemetry", "queue_messages", &config::telemetry, &telemetry_config::queue_messages,
            "Telemetry messages waiting for the writer before publishers are held back (QoS 0 ones dropped)"),
      entry("telemetry", "queue_bytes", &config::telemetry, &telemetry_config::queue_bytes,
            "Payload bytes waiting for the telemetry writer before publishers are held back"),
      entry("telemetry", "max_keys", &config::telemetry, &telemetry_config::max_keys,
            "Values in one telemetry reading at most"),
      entry("telemetry", "max_batch", &config::telemetry, &telemetry_config::max_batch,
            "Readings in one telemetry batch message at most"),
      entry("telemetry", "max_key_length", &config::telemetry, &telemetry_config::max_key_length,
            "Bytes in a telemetry key at most"),
      entry("telemetry", "max_string_bytes", &config::telemetry, &telemetry_config::max_string_bytes,
            "Bytes in a telemetry string value at most"),
      entry("telemetry", "max_future_s", &config::telemetry, &telemetry_config::max_future_s,
            "Seconds a device's timestamp may be ahead of the server's clock"),
      entry("telemetry", "raw_days", &config::telemetry, &telemetry_config::raw_days, "Days raw telemetry is kept"),
      entry("telemetry", "key_classes", &config::telemetry, &telemetry_config::key_classes,
            "Raw retention per key class: KEY=DAYS or PREFIX*=DAYS, comma-separated (e.g. debug.*=3)"),
      entry("telemetry", "minute_days", &config::telemetry, &telemetry_config::minute_days,
            "Days 1-minute telemetry rollups are kept"),
      entry("telemetry", "hour_days", &config::telemetry, &telemetry_config::hour_days,
            "Days 1-hour telemetry rollups are kept"),
      entry("telemetry", "retention_interval_s", &config::telemetry, &telemetry_config::retention_interval_s,
            "Seconds between telemetry retention passes"),
      entry("telemetry", "max_points", &config::telemetry, &telemetry_config::max_points,
            "Points per key in one telemetry query answer at most"),
      entry("telemetry", "fleet_sample_s", &config::telemetry, &telemetry_config::fleet_sample_s,
            "Seconds between samples of the fleet's devices online and messages per minute (the dashboard)"),
      entry("telemetry", "sync_full", &config::telemetry, &telemetry_config::sync_full,
            "fsync each telemetry batch: acknowledged rows survive power loss too (default: a kill -9)"),
      entry("reports", "link_ttl_s", &config::reports, &reports_config::link_ttl_s,
            "Seconds a ready report's signed download link stays valid"),
      entry("reports", "retention_days", &config::reports, &reports_config::retention_days,
            "Days a generated report is kept before its file is deleted"),
      entry("alerts", "scope_refresh_s", &config::alerts, &alerts_config::scope_refresh_s,
            "Seconds between readings of the alert rules' scopes (groups, labels) at most"),
      entry("alerts", "queue_samples", &config::alerts, &alerts_config::queue_samples,
            "Samples waiting for the alert rules at most; past it they are dropped and counted"),
      entry("storage", "data_dir", &config::storage, &storage_config::data_dir,
            "Data directory: database, keys, blobs"),
      entry("storage", "workers", &config::storage, &storage_config::workers,
            "Worker threads for database calls and hashing"),
      entry("storage", "queue_limit", &config::storage, &storage_config::queue_limit, "Queued worker jobs before 503"),
      entry("log", "format", &config::log, &log_config::format, "Log format: text or json"),
      entry("log", "level", &config::log, &log_config::level, "Log level: trace, debug, info, warn, error"),
      entry("auth", "access_ttl_s", &config::auth, &auth_config::access_ttl_s, "Access token lifetime in seconds"),
      entry("auth", "refresh_ttl_s", &config::auth, &auth_config::refresh_ttl_s, "Refresh token lifetime in seconds"),
      entry("auth", "issuer", &config::auth, &auth_config::issuer, "JWT iss claim"),
      entry("auth", "audience", &config::auth, &auth_config::audience, "JWT aud claim"),
      entry("auth", "login_free_failures", &config::auth, &auth_config::login_free_failures,
            "Failed logins before delays start"),
      entry("auth", "login_max_delay_s", &config::auth, &auth_config::login_max_delay_s,
            "Longest login delay after repeated failures"),
  };
  return all;
}

const setting* find(const std::string& name) {
  for (const auto& s : table())
    if (s.info.name == name) return &s;
  return nullptr;
}

void apply(config& c, const std::string& name, const std::string& value, const char* origin,
           std::vector<std::string>& errors) {
  const setting* s = find(name);
  if (!s) {
    errors.push_back(std::string(origin) + ": unknown setting " + name);
    return;
  }
  if (!s->apply(c, value)) errors.push_back(std::string(origin) + ": " + name + ": invalid value '" + value + "'");
}

}  // namespace

const std::vector<setting_info>& settings() {
  static const std::vector<setting_info> infos = [] {
    std::vector<setting_info> out;
    for (const auto& s : table()) out.push_back(s.info);
    return out;
  }();
  return infos;
}

config_result load_config(const std::string& toml_path, const std::map<std::string, std::string>& flags) {
  config_result result;
  if (!toml_path.empty()) {
    try {
      toml::table file = toml::parse_file(toml_path);
      for (auto&& [section_key, section_node] : file) {
        const toml::table* section = section_node.as_table();
        if (!section) {
          result.errors.push_back(toml_path + ": top-level key " + std::string(section_key.str()) +
                                  " is not a section");
          continue;
        }
        for (auto&& [key, node] : *section) {
          std::string name = std::string(section_key.str()) + "." + std::string(key.str());
          std::string text;
          if (auto s = node.value<std::string>())
            text = *s;
          else if (auto b = node.value_exact<bool>())
            text = *b ? "true" : "false";
          else if (auto i = node.value<std::int64_t>())
            text = std::to_string(*i);
          else if (auto* items = node.as_array(); items && items->is_homogeneous<std::string>()) {
            // A list setting may be a TOML array of strings; it is kept as the comma-separated text.
            for (auto&& item : *items) text += (text.empty() ? "" : ",") + *item.value<std::string>();
          } else {
            result.errors.push_back(toml_path + ": " + name + ": unsupported value type");
            continue;
          }
          apply(result.value, name, text, toml_path.c_str(), result.errors);
        }
      }
    } catch (const toml::parse_error& e) {
      result.errors.push_back(toml_path + ": " + std::string(e.description()));
    }
  }
  for (const auto& s : table()) {
    if (const char* env = std::getenv(s.info.env.c_str()))
      apply(result.value, s.info.name, env, s.info.env.c_str(), result.errors);
  }
  for (const auto& [name, value] : flags) apply(result.value, name, value, "flag", result.errors);
  const config& c = result.value;
  if (c.log.format != "text" && c.log.format != "json") result.errors.push_back("log.format must be text or json");
  // Zero would make a timeout or limit refuse everything; say so at start instead.
  const std::pair<const char*, long long> at_least_one[] = {
      {"http.max_body_bytes", static_cast<long long>(c.http.max_body_bytes)},
      {"http.header_timeout_s", c.http.header_timeout_s},
      {"http.request_timeout_s", c.http.request_timeout_s},
      {"http.idle_timeout_s", c.http.idle_timeout_s},
      {"http.max_streamed_requests", c.http.max_streamed_requests},
      {"storage.workers", c.storage.workers},
      {"ota.max_firmware_bytes", static_cast<long long>(std::min<std::uint64_t>(c.ota.max_firmware_bytes, INT64_MAX))},
      {"ota.download_link_ttl_s", c.ota.download_link_ttl_s},
      {"mqtt.max_packet_size", c.mqtt.max_packet_size},
      {"mqtt.max_queued", c.mqtt.max_queued},
      {"mqtt.connect_timeout_s", c.mqtt.connect_timeout_s},
      {"mqtt.receive_maximum", c.mqtt.receive_maximum},
      {"storage.queue_limit", c.storage.queue_limit},
      {"auth.access_ttl_s", c.auth.access_ttl_s},
      {"auth.refresh_ttl_s", c.auth.refresh_ttl_s},
      {"auth.login_free_failures", c.auth.login_free_failures},
      {"auth.login_max_delay_s", c.auth.login_max_delay_s},
      {"pki.device_certificate_days", c.pki.device_certificate_days},
      {"pki.server_certificate_days", c.pki.server_certificate_days},
      {"provisioning.lockout_after_failures", c.provisioning.lockout_after_failures},
      {"provisioning.address_free_failures", c.provisioning.address_free_failures},
      {"provisioning.lockout_base_s", c.provisioning.lockout_base_s},
      {"provisioning.lockout_max_s", c.provisioning.lockout_max_s},
      {"telemetry.batch_rows", c.telemetry.batch_rows},
      {"telemetry.batch_ms", c.telemetry.batch_ms},
      {"telemetry.queue_messages", c.telemetry.queue_messages},
      {"telemetry.queue_bytes", c.telemetry.queue_bytes},
      {"telemetry.max_keys", c.telemetry.max_keys},
      {"telemetry.max_batch", c.telemetry.max_batch},
      {"telemetry.max_key_length", c.telemetry.max_key_length},
      {"telemetry.max_string_bytes", c.telemetry.max_string_bytes},
      {"telemetry.raw_days", c.telemetry.raw_days},
      {"telemetry.minute_days", c.telemetry.minute_days},
      {"telemetry.hour_days", c.telemetry.hour_days},
      {"telemetry.retention_interval_s", c.telemetry.retention_interval_s},
      {"telemetry.max_points", c.telemetry.max_points},
      {"telemetry.fleet_sample_s", c.telemetry.fleet_sample_s},
      {"reports.link_ttl_s", c.reports.link_ttl_s},
      {"reports.retention_days", c.reports.retention_days},
      {"alerts.scope_refresh_s", c.alerts.scope_refresh_s},
      {"alerts.queue_samples", c.alerts.queue_samples}};
  for (const auto& [name, value] : at_least_one)
    if (value < 1) result.errors.push_back(std::string(name) + " must be at least 1");
  if (c.telemetry.batch_idle_ms < 0) result.errors.push_back("telemetry.batch_idle_ms must be 0 (off) or more");
  if (c.pki.ca_cert.empty() != c.pki.ca_key.empty()) result.errors.push_back("pki.ca_cert and pki.ca_key go together");
  if (c.http.listen.empty() && c.http.tls_listen.empty())
    result.errors.push_back("http.listen and http.tls_listen are both empty: the API would have no listener");
  if (!c.http.public_url.empty() &&
      (!(c.http.public_url.starts_with("https://") || c.http.public_url.starts_with("http://")) ||
       c.http.public_url.ends_with('/')))
    result.errors.push_back("http.public_url must be http(s)://host[:port] with no trailing slash");
  if (c.http.tls_cert.empty() != c.http.tls_key.empty())
    result.errors.push_back("http.tls_cert and http.tls_key go together");
  if (c.mqtt.tls_cert.empty() != c.mqtt.tls_key.empty())
    result.errors.push_back("mqtt.tls_cert and mqtt.tls_key go together");
  if (c.mqtt.max_keep_alive_s < 0 || c.mqtt.max_keep_alive_s > 65535)
    result.errors.push_back("mqtt.max_keep_alive_s must be between 0 and 65535");
  if (c.mqtt.sys_interval_s < 0) result.errors.push_back("mqtt.sys_interval_s must be 0 (off) or more");
  if (c.mqtt.receive_maximum > 65535) result.errors.push_back("mqtt.receive_maximum must be at most 65535");
  if (c.provisioning.lockout_max_s < c.provisioning.lockout_base_s)
    result.errors.push_back("provisioning.lockout_max_s must be at least provisioning.lockout_base_s");
  if (c.telemetry.minute_days < c.telemetry.raw_days || c.telemetry.hour_days < c.telemetry.minute_days)
    result.errors.push_back(
        "telemetry: rollups must be kept at least as long as what they summarise "
        "(raw_days <= minute_days <= hour_days)");
  if (c.http.max_header_bytes < 1024) result.errors.push_back("http.max_header_bytes must be at least 1024");
  return result;
}

}  // namespace mothership::common
