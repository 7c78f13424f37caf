#include "provisioning/errors.hpp"

namespace mothership::provisioning {

namespace {
class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "provisioning"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::device_not_found:
        return "No such device.";
      case errc::already_decommissioned:
        return "This device is decommissioned.";
      case errc::unknown_serial:
        return "No device with this serial is in the manufacturing registry.";
      case errc::locked_out:
        return "Too many wrong claim codes for this serial: it is locked. An admin can lift the lock.";
      case errc::wrong_code:
        return "The claim code does not match this serial.";
      case errc::already_registered:
        return "This device is already registered.";
      case errc::decommissioned:
        return "This device was decommissioned. An admin must re-enable its record first.";
      case errc::too_many_attempts:
        return "Too many wrong claim codes from this address. Try again later.";
      case errc::code_required:
        return "A claim code is required for this device (its record has a claim code).";
    }
    return "provisioning error";
  }
};
}  // namespace

const boost::system::error_category& provisioning_category() {
  static const category instance;
  return instance;
}

std::string_view to_string(errc e) {
  switch (e) {
    case errc::device_not_found:
      return "device_not_found";
    case errc::already_decommissioned:
      return "already_decommissioned";
    case errc::unknown_serial:
      return "unknown_serial";
    case errc::locked_out:
      return "locked_out";
    case errc::wrong_code:
      return "wrong_code";
    case errc::already_registered:
      return "already_registered";
    case errc::decommissioned:
      return "decommissioned";
    case errc::too_many_attempts:
      return "too_many_attempts";
    case errc::code_required:
      return "code_required";
  }
  return "unknown";
}

}  // namespace mothership::provisioning
