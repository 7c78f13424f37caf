#pragma once
// Expected failures of the firmware catalog (one enum, one category). Failures of the upload
// itself (too large, broken off) come from the blob store as blob::errc.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace mothership::ota {

enum class errc {
  firmware_not_found = 1,
  version_taken,        // a firmware of one of the models already has this version
  invalid_version,      // not a semantic version (semver.org 2.0.0)
  invalid_models,       // none, too many, or a name empty or too long
  invalid_metadata,     // description, release notes or file name too long
  signature_malformed,  // not base64 of a DER ECDSA signature
  signature_invalid,    // verifies against none of the configured signing keys
  signature_required,   // ota.require_signature and none given
  no_signing_keys,      // a signature came but ota.signing_keys names no key to check it with
  firmware_in_use,      // an active job still delivers it
  unknown_model,        // no manufacturing record or device has the model
};

const boost::system::error_category& ota_category();
inline boost::system::error_code make_error_code(errc e) {
  return {static_cast<int>(e), ota_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace mothership::ota

template <>
struct boost::system::is_error_code_enum<mothership::ota::errc> : std::true_type {};
