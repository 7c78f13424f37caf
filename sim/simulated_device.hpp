#pragma once
// One simulated device, as docs/device-protocol.md "Onboarding" describes it: provisioning
// connection with serial + claim code, hello with a CSR, the certificate on
// $provision/<serial>/certificate, then the operational connection with mutual TLS, reported
// state and heartbeats, and firmware jobs. Runs on one executor with the project's MQTT client.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "device_identity.hpp"
#include "mqtt/client/mqtt_client.hpp"

namespace mothership::sim {

struct fleet_settings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8883;
  std::string ca_file;
  std::string state_dir;  // keys and certificates, one pair per device
  std::string model = "Sim-1";
  std::string firmware_version = "1.0.0";
  int heartbeat_s = 30;
  // Jobs (docs/device-protocol.md "Jobs"): how long an install takes and how often it fails.
  int ota_install_s = 5;
  double ota_fail_rate = 0.0;
};

struct onboarding_result {
  bool onboarded = false;
  std::string device_id;
  std::string failure;  // why not, when not
};

class simulated_device {
 public:
  simulated_device(boost::asio::any_io_executor executor, const fleet_settings& settings, factory_identity identity);
  ~simulated_device();

  // Onboards the device and leaves it connected with its certificate. `on_waiting` runs once
  // the server says the device awaits a technician (the simulator may then claim it).
  boost::asio::awaitable<onboarding_result> onboard(std::function<void()> on_waiting,
                                                    std::chrono::steady_clock::duration timeout);
  // Heartbeats until the connection ends or stop() is called.
  boost::asio::awaitable<void> run_heartbeats();
  // Takes part in firmware rollouts until the connection ends: on notify-next it starts the
  // job, downloads the image from its link (hashing it), "installs" for ota_install_s, fails
  // at ota_fail_rate, else reports the new version and SUCCEEDED.
  boost::asio::awaitable<void> run_jobs();
  void stop();

  const factory_identity& identity() const { return identity_; }

 private:
  struct mailbox;
  // Publishes a job request and waits for its answer (matched by clientToken): the accepted
  // body, or nullopt when refused (or the connection ended). Asks again when the server
  // throttles it (after retryAfterSeconds plus jitter) or when no answer comes in time.
  boost::asio::awaitable<std::optional<boost::json::object>> answered(mailbox& box, std::string topic,
                                                                      std::string payload, std::string token);
  boost::asio::any_io_executor executor_;
  const fleet_settings& settings_;
  factory_identity identity_;
  std::unique_ptr<mqtt::client> client_;
  std::shared_ptr<mailbox> inbox_;
  std::string device_id_;
  bool stopped_ = false;
  std::chrono::steady_clock::time_point booted_ = std::chrono::steady_clock::now();
  std::string firmware_version_;
};

}  // namespace mothership::sim
