#pragma once
// The public keys firmware signatures are checked against (ota.signing_keys). A signature is
// ECDSA P-256 over the image's SHA-256, DER-encoded: what
//   openssl dgst -sha256 -sign release-key.pem -out fw.sig fw.bin
// writes. The private key stays with whoever releases firmware; the server only verifies.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mothership::ota {

class signing_keys {
 public:
  signing_keys() = default;
  // Each file is a PEM public key (or a certificate carrying one) of curve P-256. Throws
  // std::runtime_error naming the file for anything else, so a typo stops the server at start.
  static signing_keys load(const std::vector<std::string>& pem_files);

  bool empty() const { return keys_.empty(); }
  // `sha256` is the 32-byte digest. Returns the fingerprint of the key that verifies the
  // signature (SHA-256 of its SubjectPublicKeyInfo, hex), or nullopt when none does.
  std::optional<std::string> verify(std::string_view sha256, std::string_view der_signature) const;

 private:
  struct key;
  std::vector<std::shared_ptr<const key>> keys_;
};

// Whether `der` is a DER-encoded ECDSA signature at all (before any key is tried).
bool is_ecdsa_signature(std::string_view der);

}  // namespace mothership::ota
