#include "pki/csr.hpp"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/encoding.hpp"
#include "pki/csr_key.hpp"

namespace mothership::pki {

namespace {

using detail::owned;

csr_check refuse(std::string why) {
  return {nullptr, std::move(why)};
}

// Why this key is not acceptable, or its description when it is.
std::pair<bool, std::string> judge(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC: {
      char curve[64] = {};
      std::size_t length = 0;
      EVP_PKEY_get_utf8_string_param(key, "group", curve, sizeof curve, &length);
      std::string name(curve, length);
      if (name == "prime256v1" || name == "P-256") return {true, "EC P-256"};
      if (name == "secp384r1" || name == "P-384") return {true, "EC P-384"};
      return {false,
              "EC curve " + (name.empty() ? std::string("(unnamed)") : name) + " is not accepted: use P-256 or P-384"};
    }
    case EVP_PKEY_ED25519:
      return {true, "Ed25519"};
    case EVP_PKEY_RSA: {
      int bits = EVP_PKEY_get_bits(key);
      if (bits < 2048) return {false, "RSA key of " + std::to_string(bits) + " bits is too weak: at least 2048"};
      if (bits > 8192) return {false, "RSA key of " + std::to_string(bits) + " bits is too large: at most 8192"};
      return {true, "RSA " + std::to_string(bits)};
    }
    default:
      return {false, std::string("key type ") + EVP_PKEY_get0_type_name(key) +
                         " is not accepted: use EC P-256, EC P-384, Ed25519 or RSA of at least 2048 bits"};
  }
}

}  // namespace

csr_check check_csr(std::string_view pem) {
  if (pem.size() > 64 * 1024) return refuse("the CSR is larger than 64 KiB");
  if (pem.find("-----BEGIN CERTIFICATE REQUEST-----") == std::string_view::npos)
    return refuse("not a PEM certificate request (expected -----BEGIN CERTIFICATE REQUEST-----)");
  auto bio = detail::memory_bio(pem);
  owned<X509_REQ, X509_REQ_free> request(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!request) return refuse("the certificate request cannot be parsed");
  EVP_PKEY* key = X509_REQ_get0_pubkey(request.get());
  if (!key) return refuse("the certificate request has no usable public key");
  auto [acceptable, description] = judge(key);
  if (!acceptable) return refuse(description);
  if (X509_REQ_verify(request.get(), key) != 1)
    return refuse("the certificate request's signature does not verify with its own key");
  // The SubjectPublicKeyInfo as the request carries it: encoding the EVP_PKEY again would go
  // through OpenSSL 3's encoder lookup, a good part of what a check costs.
  unsigned char* der = nullptr;
  int der_size = i2d_X509_PUBKEY(X509_REQ_get_X509_PUBKEY(request.get()), &der);
  if (der_size <= 0) return refuse("the certificate request's public key cannot be encoded");
  std::string key_sha256 = common::sha256_hex({reinterpret_cast<const char*>(der), static_cast<std::size_t>(der_size)});
  OPENSSL_free(der);
  auto k = std::make_shared<checked_csr::key>(std::move(request));
  return {std::make_shared<checked_csr>(std::move(k), std::move(description), std::move(key_sha256)), {}};
}

}  // namespace mothership::pki
