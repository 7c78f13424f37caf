#pragma once
// The platform's certificate authority (ARCHITECTURE.md §6): an ECDSA P-256 root and an
// issuing CA below it. The issuing CA signs device certificates (from CSRs), the server's
// own TLS certificate and the revocation list; the root only signs the issuing CA. Devices
// trust the bundle of both (GET /pki/ca.pem).
//
// At first start both are created in the data directory (keys 0600); an operator may import
// an existing issuing CA instead (pki.ca_cert with its chain, pki.ca_key).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pki/csr.hpp"

namespace mothership::pki {

struct ca_files {
  std::string root_certificate;     // pki/root-ca.crt
  std::string root_key;             // keys/root-ca.key
  std::string issuing_certificate;  // pki/issuing-ca.crt
  std::string issuing_key;          // keys/issuing-ca.key
};

// A certificate the CA signed, with what the certificate records keep about it.
struct issued_certificate {
  std::string certificate_pem;
  std::string serial;  // lower-case hex
  std::string sha256;  // fingerprint of the DER form, lower-case hex
  std::int64_t not_before_ms = 0;
  std::int64_t not_after_ms = 0;
};

struct server_certificate {
  std::string key_pem;
  std::string chain_pem;  // the leaf, then the issuing CA
};

struct revoked_serial {
  std::string serial;  // hex, as in issued_certificate
  std::int64_t revoked_at_ms = 0;
};

class certificate_authority {
 public:
  // Loads the CA from `files`, creating a root and an issuing CA there when none exist yet.
  static certificate_authority load_or_create(const ca_files& files, const std::string& organization);
  // An existing issuing CA: `chain_pem` is its certificate followed by the certificates up to
  // and including the root.
  static certificate_authority import(const std::string& chain_pem, const std::string& key_pem);

  certificate_authority(certificate_authority&&) noexcept;
  certificate_authority& operator=(certificate_authority&&) noexcept;
  ~certificate_authority();

  // A client certificate for the device: CN = device id, SAN URI urn:mothership:device:<id>,
  // clientAuth only, not a CA. Only the CSR's public key is used.
  issued_certificate issue_device(const checked_csr& csr, const std::string& device_id, int valid_days) const;
  // A new key and a serverAuth certificate for these host names and addresses.
  server_certificate issue_server(const std::vector<std::string>& names, int valid_days) const;

  // What devices trust: the issuing CA and the root, PEM.
  std::string bundle_pem() const;
  // The issuing CA alone, PEM (sent to devices with their certificate as its chain).
  std::string issuing_pem() const;
  // A DER CRL signed by the issuing CA, valid for `next_update_s`.
  std::string revocation_list_der(const std::vector<revoked_serial>& revoked, std::int64_t crl_number,
                                  long next_update_s) const;

  // True when the OpenSSL X509* was issued by this CA's issuing certificate (its signature
  // verifies with the issuing key), so a certificate from another trusted CA (a factory CA)
  // is never mistaken for one of ours.
  bool issued(const void* x509) const;
  // The same for a certificate a TLS handshake has verified already, given the certificate
  // that verification found as its issuer: then no signature needs checking again.
  bool issued_verified(const void* x509, const void* verified_issuer) const;

 private:
  struct parts;
  explicit certificate_authority(std::unique_ptr<parts> p);
  std::unique_ptr<parts> p_;
};

}  // namespace mothership::pki
