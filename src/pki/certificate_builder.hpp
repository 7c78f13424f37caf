#pragma once
// Builds and signs one X.509 v3 certificate. Every certificate the PKI makes (root and issuing
// CA, the server's TLS certificate, device certificates) goes through here, so serial numbers,
// validity and signature algorithms are chosen in one place.
#include <string>
#include <utility>
#include <vector>

#include "pki/openssl_handles.hpp"

namespace mothership::pki::detail {

struct certificate_plan {
  EVP_PKEY* subject_key = nullptr;                           // the public key being certified
  std::vector<std::pair<std::string, std::string>> subject;  // {"CN", "..."} in order
  // {NID, value in openssl.cnf syntax}: e.g. {NID_key_usage, "critical,digitalSignature"}
  std::vector<std::pair<int, std::string>> extensions;
  long valid_seconds = 0;
  // Backdated so that a device whose clock is a little behind accepts it at once.
  long backdate_seconds = 5 * 60;
  // Instead of subject_key, the key as a request encoded it (device certificates): copied,
  // not encoded again.
  const X509_PUBKEY* subject_public_key_info = nullptr;
};

// Signs with `issuer_key`; `issuer` null means self-signed (a root).
owned_x509 sign_certificate(const certificate_plan& plan, const X509* issuer, EVP_PKEY* issuer_key);

// The digest to sign with for this key: SHA-256 for EC P-256 and RSA, SHA-384 for P-384,
// none for Ed25519 (which hashes internally).
const EVP_MD* digest_for(const EVP_PKEY* signing_key);

// Names as subjectAltName text: IP for addresses, URI for "urn:...", DNS otherwise.
std::string subject_alt_names(const std::vector<std::string>& names);

}  // namespace mothership::pki::detail
