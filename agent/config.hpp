#pragma once
// The agent's configuration (agent.toml): the factory identity, where the server is, where the
// agent keeps its key and certificate, and how it behaves. See agent.example.toml.

#include <optional>
#include <string>

namespace mothership::agent {

enum class mqtt_version { v3_1_1, v5 };

struct config {
  // Factory identity: printed on the device and imported into the server's registry.
  std::string serial;
  std::string claim_code;  // empty when the device onboards with its factory certificate only
  // A certificate from the factory CA and its key (both or neither; PEM files): the onboarding
  // connection presents them instead of the claim code.
  std::optional<std::string> factory_certificate;
  std::optional<std::string> factory_key;
  std::string model;
  std::string firmware_version;

  std::string ca_file;   // the CA bundle from GET /pki/ca.pem
  std::string endpoint;  // host:port of the MQTT TLS listener used for provisioning
  std::string state_dir;

  mqtt_version version = mqtt_version::v5;
  int heartbeat_s = 60;
  int keep_alive_s = 60;
  // Renew when less than this fraction of the certificate's validity is left.
  double renew_before_fraction = 1.0 / 3.0;
  // At most one renewal per this many seconds of running, so a threshold near 1 (or a clock
  // that is far off) cannot make the agent renew over and over.
  int renew_min_interval_s = 3600;
  // Reconnect backoff: the first wait, doubled after every failure up to the maximum.
  double reconnect_min_s = 1;
  double reconnect_max_s = 300;
  std::string log_level = "info";

  // Firmware updates (docs/device-protocol.md "Jobs"; agent.example.toml says more).
  std::string update_signing_key;    // PEM public key; when set, only images it signed are installed
  std::string install_command;       // empty: the image is written to slots/<slot>.img (a simulated A/B pair)
  std::string reboot_command;        // empty: the agent restarts itself (a simulated reboot)
  std::string health_check_command;  // run from the new image after its first boot; exit 0 means healthy
  int health_check_timeout_s = 120;
  int boot_tries = 3;                      // boots of a new image without passing the health check before falling back
  long long download_max_bytes_per_s = 0;  // 0: as fast as the link goes
  int download_step_timeout_min = 60;      // stepTimeoutInMinutes sent while downloading
};

struct config_result {
  std::optional<config> value;
  std::string error;  // names the file and the key when `value` is empty
};

// Parses and validates a TOML document; `origin` names it in errors.
config_result parse_config(const std::string& text, const std::string& origin);
config_result load_config(const std::string& path);

// "host:port" split; nullopt when it is not of that form or the port is not 1..65535.
struct host_port {
  std::string host;
  int port = 0;
};
std::optional<host_port> split_endpoint(const std::string& endpoint);

}  // namespace mothership::agent
