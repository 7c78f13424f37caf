#pragma once
// Who is on the other end of an MQTT connection, and what they may touch.
#include <optional>
#include <string>
#include <string_view>

namespace mothership::mqtt {

struct identity {
  enum class kind {
    anonymous,     // no credentials (only when mqtt.allow_anonymous is on)
    user,          // username + password
    device,        // client certificate issued by our CA: `name` is the device id
    provisioning,  // a device that is being onboarded: `name` is its serial
    internal,      // a server module through the in-process client
  };
  kind what = kind::anonymous;
  std::string name;
};

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

// Decides who a new connection is, from its CONNECT (and, on TLS, its client certificate's
// identity). nullopt refuses the connection with "bad user name or password" (0x86).
class authenticator {
 public:
  virtual ~authenticator() = default;
  virtual std::optional<identity> authenticate(std::string_view client_id, const std::optional<std::string>& username,
                                               const std::optional<std::string>& password,
                                               const std::optional<std::string>& certificate_identity) const = 0;
};

// Lets everything through: tests and the in-process client of trusted modules.
class allow_all final : public authorizer {
 public:
  bool may_publish(const identity&, std::string_view) const override { return true; }
  bool may_subscribe(const identity&, std::string_view) const override { return true; }
};

}  // namespace mothership::mqtt
