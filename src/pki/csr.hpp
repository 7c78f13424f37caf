#pragma once
// Certificate signing requests from devices. Only the public key is taken from a CSR, after
// its signature proves the sender holds the private key: the subject and extensions a
// device asks for are ignored, because the server decides who the certificate names.
#include <memory>
#include <string>
#include <string_view>

namespace mothership::pki {

// A CSR that passed every check. Opaque outside src/pki.
class checked_csr {
 public:
  struct key;  // the request's public key
  checked_csr(std::shared_ptr<key> k, std::string description, std::string key_sha256)
      : key_(std::move(k)), description_(std::move(description)), key_sha256_(std::move(key_sha256)) {}
  const key& public_key() const { return *key_; }
  // "EC P-256", "RSA 3072", "Ed25519": for logs and the audit trail.
  const std::string& key_description() const { return description_; }
  // SHA-256 (hex) of the public key (SubjectPublicKeyInfo DER): the same key in two requests.
  const std::string& key_sha256() const { return key_sha256_; }

 private:
  std::shared_ptr<key> key_;
  std::string description_;
  std::string key_sha256_;
};

struct csr_check {
  std::shared_ptr<checked_csr> csr;  // set when accepted
  std::string refusal;               // why not, in words a firmware developer can act on
  explicit operator bool() const { return csr != nullptr; }
};

// Accepts PEM ("-----BEGIN CERTIFICATE REQUEST-----"). Keys accepted: EC P-256 and P-384,
// Ed25519, RSA of 2048 to 8192 bits. The request's self-signature must verify.
csr_check check_csr(std::string_view pem);

}  // namespace mothership::pki
