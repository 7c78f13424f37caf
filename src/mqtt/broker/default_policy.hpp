#pragma once
// The broker's policy until device identities exist: clients without credentials are allowed
// only when `allow_anonymous` is on (a development setting), and then only outside the
// device namespaces "devices/" and "$provision/". A subscription that could match those (such
// as "#") is allowed, but its deliveries from them are withheld.
#include "mqtt/broker/identity.hpp"

namespace mothership::mqtt {

class default_policy final : public authenticator, public authorizer {
 public:
  explicit default_policy(bool allow_anonymous) : allow_anonymous_(allow_anonymous) {}

  std::optional<identity> authenticate(std::string_view client_id, const std::optional<std::string>& username,
                                       const std::optional<std::string>& password,
                                       const std::optional<std::string>& certificate_identity) const override;
  bool may_publish(const identity& who, std::string_view topic) const override;
  bool may_subscribe(const identity& who, std::string_view filter) const override;
  bool may_receive(const identity& who, std::string_view topic) const override;

 private:
  bool allow_anonymous_;
};

// True for topics in the namespaces only devices (and the server) may use.
bool is_device_namespace(std::string_view topic);

}  // namespace mothership::mqtt
