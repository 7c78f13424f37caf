#pragma once
// Who is on the other end of an MQTT connection, and what they may touch.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mqtt/codec/reason_code.hpp"

namespace mothership::mqtt {

struct identity {
  enum class kind {
    anonymous,     // no credentials (only when mqtt.allow_anonymous is on)
    user,          // a portal user: username + access token as password; `name` is the user id
    device,        // client certificate issued by our CA: `name` is the device id
    provisioning,  // a device that is being onboarded: `name` is its serial
    internal,      // a server module through the in-process client
  };
  identity(kind k = kind::anonymous, std::string n = {}, std::uint32_t until_s = 0)
      : what(k), valid_until_s(until_s), name(std::move(n)) {}

  kind what;
  // When the credentials end (Unix seconds; 0 = never): a user's access token expires, and the
  // broker ends the connection then. Sits in what would be padding: a session holds one identity.
  std::uint32_t valid_until_s;
  std::string name;

  bool same_as(const identity& o) const { return what == o.what && name == o.name; }
  // Devices, and devices being onboarded, own their client ids outright (see fleet_policy.hpp).
  bool is_device() const { return what == kind::device || what == kind::provisioning; }
};
static_assert(sizeof(identity) == 8 + sizeof(std::string), "identity must stay as small as a kind and a name");

constexpr std::string_view to_string(identity::kind k) {
  switch (k) {
    case identity::kind::anonymous:
      return "anonymous";
    case identity::kind::user:
      return "user";
    case identity::kind::device:
      return "device";
    case identity::kind::provisioning:
      return "provisioning";
    case identity::kind::internal:
      return "internal";
  }
  return "unknown";
}

// Checks every PUBLISH and SUBSCRIBE. Implementations must be thread-safe and fast: they run
// on the broker's hot path.
class authorizer {
 public:
  virtual ~authorizer() = default;
  virtual bool may_publish(const identity& who, std::string_view topic) const = 0;
  virtual bool may_subscribe(const identity& who, std::string_view filter) const = 0;
  // Checked per delivery, for identities whose subscriptions may match more than they may
  // see (an anonymous "#" must not receive device topics).
  virtual bool may_receive(const identity&, std::string_view) const { return true; }
};

// What a new connection presents: its CONNECT's client id and credentials, and on TLS the
// client certificate the handshake verified.
struct credentials {
  std::string client_id;
  std::optional<std::string> username;
  std::optional<std::string> password;
  bool certificate_presented = false;
  std::optional<std::string> certificate_identity;  // the device id the certificate names
  std::string certificate_serial;                   // hex, of a verified certificate
  std::string certificate_sha256;                   // hex fingerprint, of a verified certificate
  std::string address;                              // "ip:port", for rate limits and the audit log
};

// Who the connection is, or why it is refused (the CONNACK reason code).
struct authentication {
  std::optional<identity> who;
  reason_code refusal = reason_code::bad_user_name_or_password;
};

// Decides who a new connection is. Runs on an I/O thread unless blocks() says it would block
// for these credentials (a database read): the connection then runs it on the worker pool.
class authenticator {
 public:
  virtual ~authenticator() = default;
  virtual authentication authenticate(const credentials& presented) const = 0;
  virtual bool blocks(const credentials&) const { return false; }
};

// Lets everything through: tests and the in-process client of trusted modules.
class allow_all final : public authorizer {
 public:
  bool may_publish(const identity&, std::string_view) const override { return true; }
  bool may_subscribe(const identity&, std::string_view) const override { return true; }
};

}  // namespace mothership::mqtt
