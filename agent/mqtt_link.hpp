#pragma once
// The MQTT client as the agent needs it, behind an interface so that the flows do not depend on
// the library (the implementation is Eclipse Paho, paho_link.cpp). One link is one connection
// attempt: the agent makes a new one for every connection. Received messages and the loss of
// the connection arrive on the event_queue given at creation.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config.hpp"
#include "events.hpp"

namespace mothership::agent {

struct connect_request {
  std::string host;
  int port = 0;
  std::string client_id;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::string ca_file;                   // the server must chain to it and match `host`
  std::optional<std::string> cert_file;  // mutual TLS when set
  std::optional<std::string> key_file;
  mqtt_version version = mqtt_version::v5;
  int keep_alive_s = 60;
};

// MQTT 5 reason codes for the refusals the agent tells apart (3.1.1 return codes map onto them).
namespace reason {
inline constexpr int identifier_rejected = 0x85;
inline constexpr int bad_user_name_or_password = 0x86;
inline constexpr int not_authorized = 0x87;
inline constexpr int server_unavailable = 0x88;
inline constexpr int administrative_action = 0x98;
}  // namespace reason

struct connect_outcome {
  bool connected = false;
  int refusal = -1;  // the CONNACK reason when the server refused; -1 for transport failures
  std::string detail;
};

class mqtt_link {
 public:
  virtual ~mqtt_link() = default;
  virtual connect_outcome connect(const connect_request& request, std::chrono::milliseconds timeout) = 0;
  // True when every filter was granted.
  virtual bool subscribe(const std::vector<std::string>& filters, int qos, std::chrono::milliseconds timeout) = 0;
  // Queued; false when it could not even be queued (not connected).
  virtual bool publish(const std::string& topic, const std::string& payload, int qos, bool retain) = 0;
  // Waits for the acknowledgement of what `publish` queued last (QoS 1), up to `timeout`.
  virtual bool wait_published(std::chrono::milliseconds timeout) = 0;
  virtual void disconnect(std::chrono::milliseconds timeout) = 0;
};

using link_factory = std::function<std::unique_ptr<mqtt_link>(event_queue&)>;

link_factory paho_links();

// "bad user name or password (0x86)" and the like.
std::string describe_reason(int code);

}  // namespace mothership::agent
