#pragma once
// Server configuration. Every setting has a default, so the server runs with no configuration;
// layers override in this order: built-in default < TOML file < MOTHERSHIP_<SECTION>_<KEY> < flag.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mothership::common {

struct http_config {
  std::string listen = "127.0.0.1:8080";  // port 0 picks a free port; empty = no plain HTTP
  std::string tls_listen;                 // HTTPS listener HOST:PORT; empty = none
  std::string tls_cert;                   // its certificate chain (PEM); empty = the MQTT TLS listeners' one
  std::string tls_key;                    // its private key (PEM)
  std::string public_url;                 // how devices and people reach it (behind a proxy); empty = a listener's
  std::string web_dir;                    // built portal; empty = look for web/dist
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;
  int header_timeout_s = 10;   // whole request head must arrive within this
  int request_timeout_s = 30;  // body read + handling + response write
  int idle_timeout_s = 60;     // keep-alive connection with no request
  int threads = 0;             // I/O threads; 0 = one per core
  bool secure_cookies = false;
  int max_streamed_requests = 4;  // uploads read as a stream at once (each holds a thread); more get 503
};

struct storage_config {
  std::string data_dir = "./var";
  int workers = 4;         // threads that run database calls and password hashing
  int queue_limit = 4096;  // pending jobs before requests are refused with 503
};

struct log_config {
  std::string format = "text";  // text | json
  std::string level = "info";
};

struct auth_config {
  int access_ttl_s = 900;
  int refresh_ttl_s = 30 * 24 * 3600;
  std::string issuer = "mothership";
  std::string audience = "mothership-api";
  int login_free_failures = 5;  // failures before delays start
  int login_max_delay_s = 900;
};

struct mqtt_config {
  std::string listen;            // plain TCP listener HOST:PORT; empty = none
  std::string tls_listen;        // TLS listener (client certificates optional); empty = none
  std::string ws_listen;         // MQTT over WebSocket
  std::string wss_listen;        // MQTT over secure WebSocket
  std::string tls_cert;          // server certificate chain (PEM); empty = issued by our CA
  std::string tls_key;           // its private key (PEM)
  std::string tls_client_ca;     // extra CA bundle whose client certificates are accepted (factory CAs)
  int sys_interval_s = 10;       // $SYS/broker/... topics every N seconds; 0 = off
  bool allow_anonymous = false;  // development only: clients without credentials, outside devices/
  int max_packet_size = 1 << 20;
  int max_queued = 1000;  // messages queued per session before new ones are dropped
  int max_retained = 100000;
  int receive_maximum = 1024;
  int connect_timeout_s = 10;
  int max_keep_alive_s = 0;  // 0 = the client's keep-alive stands

  // Comma-separated origins whose pages may open the WebSocket listeners; empty = the portal's own
  // (common/web_origins.hpp). Upgrades without Origin (not from a browser) are always accepted.
  std::string ws_allowed_origins;
};

struct pki_config {
  std::string ca_cert;  // an existing issuing CA (PEM, with its chain) to import; empty = our own
  std::string ca_key;   // its private key
  std::string server_names = "localhost,127.0.0.1";  // names in the server's TLS certificate
  int device_certificate_days = 365;
  int server_certificate_days = 397;
};

struct provisioning_config {
  int lockout_after_failures = 5;  // wrong claim codes before a serial locks for a while
  int lockout_base_s = 900;        // the first lock; each further one (until a success or unlock) doubles
  int lockout_max_s = 86400;       // the longest lock
  int address_free_failures = 20;  // wrong claims from one address before its delays start
  std::string mqtt_endpoint;       // HOST:PORT devices are told to connect to; empty = mqtt.tls_listen
};

struct blob_config {
  // A download link made for a device (GET /dl/{token}) is a capability: by default the link
  // alone lets its holder fetch the blob until it expires, and a client certificate that names
  // another device is refused. With this set, a device link works only over HTTPS with the
  // certificate of the device it was made for.
  bool require_device_certificate = false;
};

struct ota_config {
  std::uint64_t max_firmware_bytes = std::uint64_t{2} << 30;  // largest firmware image accepted
  int download_link_ttl_s = 3600;                             // a device's download link lasts this long
  std::string signing_keys;        // comma-separated PEM files of ECDSA P-256 public keys that sign firmware
  bool require_signature = false;  // refuse firmware without a signature that verifies
};

struct telemetry_config {
  int batch_rows = 5000;           // the writer commits at this many rows ...
  int batch_ms = 50;               // ... or once the oldest has waited this long
  int batch_idle_ms = 2;           // ... or once nothing more has come for this long (0: off)
  int queue_messages = 20000;      // waiting messages before publishers are held back
  int queue_bytes = 64 << 20;      // likewise, payload bytes
  int max_keys = 100;              // values per reading
  int max_batch = 1000;            // readings per batch message
  int max_key_length = 64;         // bytes
  int max_string_bytes = 256;      // a string value
  int max_future_s = 300;          // device timestamps further ahead of the server are refused
  int raw_days = 30;               // raw samples kept
  std::string key_classes;         // "debug.*=3,diag.temp=7": raw days per key or key prefix
  int minute_days = 90;            // 1-minute rollups kept
  int hour_days = 730;             // 1-hour rollups kept
  int retention_interval_s = 600;  // between retention passes
  int max_points = 10000;          // points per key in one query answer
  int fleet_sample_s = 60;         // between samples of the fleet's own series (devices online, messages)
  bool sync_full = false;          // fsync every batch (survives power loss, not only kill -9)
};

struct reports_config {
  int link_ttl_s = 900;    // a ready report's download link lasts this long
  int retention_days = 7;  // then the report's file is deleted
};

struct alerts_config {
  int scope_refresh_s = 30;    // rules' scopes (groups, labels) are read again at least this often
  int queue_samples = 100000;  // samples waiting for the rules; past it they are dropped and counted
};

struct config {
  telemetry_config telemetry;
  reports_config reports;
  alerts_config alerts;
  http_config http;
  blob_config blob;
  ota_config ota;
  mqtt_config mqtt;
  pki_config pki;
  provisioning_config provisioning;
  storage_config storage;
  log_config log;
  auth_config auth;
};

// One documented setting: "section.key", what it means, and its default as text.
struct setting_info {
  std::string name;
  std::string env;
  std::string default_value;
  std::string description;
};
const std::vector<setting_info>& settings();

// Applies the layers to the defaults. `flags` maps "section.key" to the flag's value.
// Returns the config and every problem found ("http.threads: not an integer"); a config
// with problems must not be used.
struct config_result {
  config value;
  std::vector<std::string> errors;
  bool ok() const { return errors.empty(); }
};
config_result load_config(const std::string& toml_path, const std::map<std::string, std::string>& flags);

}  // namespace mothership::common
