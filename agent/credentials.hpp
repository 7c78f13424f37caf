#pragma once
// The device's key pair and certificate, with OpenSSL 3: generating an EC P-256 key, a PKCS#10
// request for it, and reading what the server sent back. The private key never leaves the
// device; the server decides what the certificate says (the CSR's subject is a courtesy).

#include <openssl/evp.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace mothership::agent {

struct pkey_deleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using private_key = std::unique_ptr<EVP_PKEY, pkey_deleter>;

// A fresh EC P-256 key. Throws std::runtime_error if OpenSSL cannot make one (nothing to retry).
private_key generate_key();
// PKCS#8 PEM ("BEGIN PRIVATE KEY"), unencrypted: the file's mode protects it.
std::string private_key_pem(EVP_PKEY& key);
// Null when `pem` holds no private key.
private_key read_private_key(const std::string& pem);
// A PEM certificate signing request for `key`, signed with it (SHA-256), subject CN = `common_name`.
std::string make_csr(EVP_PKEY& key, const std::string& common_name);

struct certificate_info {
  std::chrono::system_clock::time_point not_before;
  std::chrono::system_clock::time_point not_after;
  std::string serial_hex;
};
// The first certificate in `pem`; nullopt when there is none.
std::optional<certificate_info> inspect_certificate(const std::string& pem);
// Whether the first certificate in `pem` is for `key` (a certificate for another key is useless).
bool certificate_matches_key(const std::string& pem, EVP_PKEY& key);

// The last OpenSSL error on this thread, as text (and the queue cleared).
std::string openssl_error();

}  // namespace mothership::agent
