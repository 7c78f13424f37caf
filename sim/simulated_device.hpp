#pragma once
// One simulated device, as docs/device-protocol.md "Onboarding" describes it: provisioning
// connection with serial + claim code, hello with a CSR, the certificate on
// $provision/<serial>/certificate, then the operational connection with mutual TLS, reported
// state and heartbeats, firmware jobs and telemetry. Runs on one executor with the project's
// MQTT client.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
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
  // Telemetry (telemetry_model.hpp): every telemetry_interval_s seconds (0: none), sent
  // telemetry_batch readings to a message.
  int telemetry_interval_s = 0;
  int telemetry_batch = 1;
  double fault_rate_per_hour = 0.5;
  std::uint64_t seed = 0;
};

// One device's telemetry messages, or the fleet's once added up.
struct telemetry_counts {
  std::uint64_t sent = 0;  // messages
  // Messages the server sent a PUBACK for, refusals (reason >= 0x80) included: mqtt::client
  // counts PUBACKs but does not hand their reason codes to the caller.
  std::uint64_t acknowledged = 0;
  std::uint64_t skipped = 0;  // readings not sent: the server was too far behind
  telemetry_counts& operator+=(const telemetry_counts& o) {
    sent += o.sent;
    acknowledged += o.acknowledged;
    skipped += o.skipped;
    return *this;
  }
};

struct onboarding_result {
  bool onboarded = false;
  std::string device_id;
  std::string failure;  // why not, when not
};

class simulated_device {
 public:
  // `index` tells the devices of a fleet apart in their telemetry (with settings.seed).
  simulated_device(boost::asio::any_io_executor executor, const fleet_settings& settings, factory_identity identity,
                   std::uint64_t index);
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
  // Publishes telemetry every settings.telemetry_interval_s (nothing when 0) until the
  // connection ends: QoS 1 on devices/<id>/telemetry, the first one after a random part of the
  // interval so that a fleet does not send in step. A reading is skipped while the oldest
  // unacknowledged message is older than 30 s: the server is behind and will not be pushed.
  boost::asio::awaitable<void> run_telemetry();
  void stop();

  // What the device sent; call it on the device's thread, or once the threads have stopped.
  telemetry_counts telemetry() const;

  const factory_identity& identity() const { return identity_; }

 private:
  struct mailbox;
  // Publishes a job request and waits for its answer (matched by clientToken): the accepted
  // body, or nullopt when refused (or the connection ended). Asks again when the server
  // throttles it (after retryAfterSeconds plus jitter) or when no answer comes in time.
  boost::asio::awaitable<std::optional<boost::json::object>> answered(mailbox& box, std::string topic,
                                                                      std::string payload, std::string token);
  // Every QoS 1 publish on the operational connection goes through here, and the n-th one gets
  // n: the client only counts PUBACKs, but a server sends them in the order of the PUBLISHes
  // (MQTT 5 section 4.6), so publish n is acknowledged once client_->acknowledged() >= n.
  boost::asio::awaitable<std::uint64_t> publish_at_least_once(std::string topic, std::string payload,
                                                              bool retain = false);
  // Telemetry messages sent and not yet acknowledged, oldest first.
  struct unacknowledged_message {
    std::uint64_t number;
    std::chrono::steady_clock::time_point sent;
  };
  void count_acknowledged();
  boost::asio::any_io_executor executor_;
  const fleet_settings& settings_;
  factory_identity identity_;
  std::uint64_t index_;
  std::unique_ptr<mqtt::client> client_;
  std::shared_ptr<mailbox> inbox_;
  std::string device_id_;
  bool stopped_ = false;
  std::chrono::steady_clock::time_point booted_ = std::chrono::steady_clock::now();
  std::string firmware_version_;
  std::uint64_t published_at_least_once_ = 0;  // on the operational connection
  std::deque<unacknowledged_message> unacknowledged_;
  telemetry_counts telemetry_;
};

}  // namespace mothership::sim
