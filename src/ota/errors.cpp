#include "ota/errors.hpp"

#include <string>

namespace mothership::ota {

namespace {

class category : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "ota"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::firmware_not_found:
        return "No firmware has this id.";
      case errc::version_taken:
        return "A firmware for this model already has this version.";
      case errc::invalid_version:
        return "The version is not a semantic version (MAJOR.MINOR.PATCH, as 1.4.2 or 2.0.0-rc.1).";
      case errc::invalid_models:
        return "Name 1 to 16 models the firmware fits, each 1 to 64 characters.";
      case errc::invalid_metadata:
        return "The description, release notes or file name is too long.";
      case errc::signature_malformed:
        return "The signature is not base64 of a DER-encoded ECDSA signature.";
      case errc::signature_invalid:
        return "The signature does not verify against any configured signing key.";
      case errc::signature_required:
        return "This server accepts only signed firmware (ota.require_signature).";
      case errc::no_signing_keys:
        return "A signature came with the firmware, but no signing key is configured to check it (ota.signing_keys).";
      case errc::firmware_in_use:
        return "An active job still delivers this firmware; cancel or finish it first.";
      case errc::unknown_model:
        return "No manufacturing record or device has this model; import the records first.";
    }
    return "ota error";
  }
};

}  // namespace

const boost::system::error_category& ota_category() {
  static const category instance;
  return instance;
}

}  // namespace mothership::ota
