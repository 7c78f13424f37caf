#pragma once
// Who may connect and what each identity may touch (ARCHITECTURE.md §6–7):
//
//   identity        publish                 subscribe                  receives
//   device D        devices/D/...           filters inside devices/D/  what it subscribed
//   provisioning S  $provision/S/hello      filters inside $provision/S/
//   user            outside devices/,       any but $provision/...     outside devices/ and
//                   $provision/ and $SYS/                              $provision/, plus
//                                                                      devices/+/telemetry|state
//   anonymous       outside devices/,       any outside devices/ and   outside devices/ and
//                   $provision/ and $SYS/   $provision/                $provision/
//   internal        everything
//
// Subscribing to a broad filter such as "#" is allowed; what it may not see is withheld per
// delivery. Anonymous clients exist only with mqtt.allow_anonymous (development).
//
// Connecting:
//  - a verified client certificate from our CA makes the connection its device, unless the
//    certificate is revoked; the client id must equal the device id [ARCHITECTURE §6];
//  - a verified certificate from another trusted CA (a factory certificate) is a device being
//    onboarded when `verify_factory_certificate` knows its fingerprint; otherwise refused;
//  - a username + password is a portal user when `verify_user` accepts it (an access token),
//    else a device being onboarded when `verify_claim` accepts it (serial + claim code);
//  - otherwise the connection is anonymous, if allowed.
// A provisioning identity's client id must equal its serial.
#include <functional>

#include "mqtt/broker/identity.hpp"

namespace mothership::mqtt {

struct fleet_policy_options {
  bool allow_anonymous = false;
  // A user's identity when the password is valid for that username; nullopt otherwise.
  std::function<std::optional<identity>(std::string_view username, std::string_view password)> verify_user;
  // Serial + claim code, or a factory certificate's fingerprint: a provisioning identity or a
  // refusal. Both read the database (they run on the worker pool).
  std::function<authentication(const credentials&)> verify_claim;
  std::function<authentication(const credentials&)> verify_factory_certificate;
  // True for the serial (hex) of a revoked certificate. Runs on the I/O thread: must be fast.
  std::function<bool(std::string_view serial)> is_revoked;
};

class fleet_policy final : public authenticator, public authorizer {
 public:
  explicit fleet_policy(fleet_policy_options options) : options_(std::move(options)) {}

  authentication authenticate(const credentials& presented) const override;
  bool blocks(const credentials& presented) const override;
  bool may_publish(const identity& who, std::string_view topic) const override;
  bool may_subscribe(const identity& who, std::string_view filter) const override;
  bool may_receive(const identity& who, std::string_view topic) const override;

 private:
  fleet_policy_options options_;
};

// True for topics in the namespaces only devices (and the server) may use.
bool is_device_namespace(std::string_view topic);

}  // namespace mothership::mqtt
