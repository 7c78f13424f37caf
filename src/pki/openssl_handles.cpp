#include "pki/openssl_handles.hpp"

#include <openssl/pem.h>

#include <ctime>
#include <vector>

namespace mothership::pki::detail {

std::string pem_of(const X509* cert) {
  owned_bio bio(BIO_new(BIO_s_mem()));
  check(bio && PEM_write_bio_X509(bio.get(), cert) == 1, "certificate PEM");
  return text_of(bio.get());
}

std::string pem_of_private_key(const EVP_PKEY* key) {
  owned_bio bio(BIO_new(BIO_s_mem()));
  check(bio && PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1, "key PEM");
  return text_of(bio.get());
}

std::vector<owned_x509> certificates_in(std::string_view pem) {
  std::vector<owned_x509> out;
  auto bio = memory_bio(pem);
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(cert);
  if (out.empty()) throw pki_error("pki: no certificate in the PEM text");
  return out;
}

owned_key private_key_in(std::string_view pem) {
  auto bio = memory_bio(pem);
  owned_key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) throw pki_error("pki: no private key in the PEM text");
  return key;
}

namespace {
std::string hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 0xf];
  }
  return out;
}
}  // namespace

std::string serial_hex(const X509* cert) {
  owned<BIGNUM, BN_free> bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  check(bn != nullptr, "serial number");
  std::vector<unsigned char> bytes(static_cast<std::size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), bytes.data());
  return hex(bytes.data(), bytes.size());
}

std::string sha256_fingerprint(const X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  check(X509_digest(cert, EVP_sha256(), digest, &size) == 1, "fingerprint");
  return hex(digest, size);
}

long long millis_of(const ASN1_TIME* t) {
  struct tm parts {};
  check(ASN1_TIME_to_tm(t, &parts) == 1, "certificate time");
  return static_cast<long long>(timegm(&parts)) * 1000;
}

}  // namespace mothership::pki::detail
