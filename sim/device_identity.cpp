#include "device_identity.hpp"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <memory>
#include <stdexcept>

namespace mothership::sim {

namespace {

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    throw std::runtime_error("no random bytes");
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += digits[c >> 4];
    out += digits[c & 0xf];
  }
  return out;
}

std::string pem_of(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

// The request's SubjectPublicKeyInfo from the key's point: X509_REQ_set_pubkey would go through
// OpenSSL 3's encoder lookup, a good part of what making a key cost the simulator.
bool set_public_key(X509_REQ* req, EVP_PKEY* key) {
  unsigned char point[65];  // uncompressed P-256 point
  std::size_t length = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof point, &length) != 1)
    return false;
  auto* bits = static_cast<unsigned char*>(OPENSSL_memdup(point, length));
  if (bits &&
      X509_PUBKEY_set0_param(X509_REQ_get_X509_PUBKEY(req), OBJ_nid2obj(NID_X9_62_id_ecPublicKey), V_ASN1_OBJECT,
                             OBJ_nid2obj(NID_X9_62_prime256v1), bits, static_cast<int>(length)) == 1)
    return true;
  OPENSSL_free(bits);
  return false;
}

}  // namespace

factory_identity new_factory_identity(const std::string& prefix) {
  return {prefix + "-" + random_hex(5), "SIM-" + random_hex(6)};
}

device_key make_device_key(const std::string& key_file) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509_REQ, decltype(&X509_REQ_free)> req(X509_REQ_new(), X509_REQ_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(BIO_new(BIO_s_mem()), BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> csr_bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!key || !req || !key_bio || !csr_bio || !set_public_key(req.get(), key.get()) ||
      X509_REQ_sign(req.get(), key.get(), EVP_sha256()) <= 0 ||
      PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_X509_REQ(csr_bio.get(), req.get()) != 1)
    throw std::runtime_error("key or CSR generation failed");
  std::string key_pem = pem_of(key_bio.get());
  int fd = ::open(key_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || ::write(fd, key_pem.data(), key_pem.size()) != static_cast<ssize_t>(key_pem.size())) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot write " + key_file);
  }
  ::close(fd);
  return {key_file, pem_of(csr_bio.get()), std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free)};
}

}  // namespace mothership::sim
