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
//
// Client ids. Device identities own theirs: a device id (`dev_...`) or a serial in the
// registry can only be used by that device (its certificate, or its claim while onboarding).
// A user or anonymous client presenting one is refused (0x85 client identifier not valid;
// 3.1.1: 2 identifier rejected), whether or not that device exists yet. Portal users may use
// any other id; ids beginning `usr_` are users' own: only the user whose id begins the client
// id may use it (`usr_01J.../dashboard`). And since a serial may be taken by a user before it
// is imported, the broker lets a device identity take its id back from any non-device holder.
#include <functional>

#include "mqtt/broker/identity.hpp"

namespace mothership::mqtt {

struct fleet_policy_options {
  bool allow_anonymous = false;
  // A user's identity (name = user id, valid_until_s = the token's expiry) when the password is
  // an access token valid for that username; nullopt otherwise. Gets the whole CONNECT's
  // credentials, so that it may note which client id a token opened.
  std::function<std::optional<identity>(const credentials&)> verify_user;
  // True for a serial on record in the manufacturing registry (reads the database).
  std::function<bool(std::string_view serial)> is_registered_serial;
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

  // Whether a user or anonymous identity may use this client id (the rules above).
  bool may_hold_client_id(const identity& who, std::string_view client_id) const;

 private:
  fleet_policy_options options_;
};

// True for topics in the namespaces only devices (and the server) may use.
bool is_device_namespace(std::string_view topic);

constexpr std::string_view device_id_prefix = "dev_";
constexpr std::string_view user_id_prefix = "usr_";

}  // namespace mothership::mqtt
