#pragma once
// The release signature of a firmware image: base64 of a DER ECDSA P-256 signature over the
// image's SHA-256 digest, made with the release key whose public half the device was built with
// (update_signing_key). The server checks it at upload too; the device checks it again because
// only the device's own check protects it from a server that was broken into.

#include <optional>
#include <string>

namespace mothership::agent {

// nullopt when `signature_base64` verifies for `sha256_hex` under the PEM public key in
// `public_key_file`; otherwise why not.
std::optional<std::string> check_image_signature(const std::string& public_key_file, const std::string& sha256_hex,
                                                 const std::string& signature_base64);

}  // namespace mothership::agent
