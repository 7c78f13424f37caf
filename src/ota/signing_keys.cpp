#include "ota/signing_keys.hpp"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <stdexcept>

#include "common/encoding.hpp"

namespace mothership::ota {

struct signing_keys::key {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey{nullptr, EVP_PKEY_free};
  std::string fingerprint;
};

namespace {

EVP_PKEY* read_public_key(const std::string& file) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(file.c_str(), "r"), BIO_free);
  if (!bio) throw std::runtime_error("ota.signing_keys: cannot read " + file);
  if (EVP_PKEY* k = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr)) return k;
  BIO_reset(bio.get());
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (cert) return X509_get_pubkey(cert.get());
  throw std::runtime_error("ota.signing_keys: " + file + " holds no PEM public key or certificate");
}

bool is_p256(EVP_PKEY* k) {
  if (EVP_PKEY_get_base_id(k) != EVP_PKEY_EC) return false;
  char curve[64];
  size_t len = 0;
  return EVP_PKEY_get_utf8_string_param(k, "group", curve, sizeof curve, &len) == 1 &&
         std::string_view(curve, len) == "prime256v1";
}

std::string fingerprint_of(EVP_PKEY* k) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(k, &der);
  if (len <= 0) return {};
  std::string out = common::sha256_hex({reinterpret_cast<const char*>(der), static_cast<std::size_t>(len)});
  OPENSSL_free(der);
  return out;
}

}  // namespace

signing_keys signing_keys::load(const std::vector<std::string>& pem_files) {
  signing_keys out;
  for (const auto& file : pem_files) {
    auto k = std::make_shared<key>();
    k->pkey.reset(read_public_key(file));
    if (!k->pkey || !is_p256(k->pkey.get()))
      throw std::runtime_error("ota.signing_keys: " + file + " is not an ECDSA P-256 (prime256v1) key");
    k->fingerprint = fingerprint_of(k->pkey.get());
    out.keys_.push_back(std::move(k));
  }
  return out;
}

std::optional<std::string> signing_keys::verify(std::string_view sha256, std::string_view der_signature) const {
  for (const auto& k : keys_) {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(k->pkey.get(), nullptr),
                                                                    EVP_PKEY_CTX_free);
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1)
      continue;
    if (EVP_PKEY_verify(ctx.get(), reinterpret_cast<const unsigned char*>(der_signature.data()), der_signature.size(),
                        reinterpret_cast<const unsigned char*>(sha256.data()), sha256.size()) == 1)
      return k->fingerprint;
  }
  return std::nullopt;
}

bool is_ecdsa_signature(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (!sig) return false;
  ECDSA_SIG_free(sig);
  return p == reinterpret_cast<const unsigned char*>(der.data()) + der.size();  // nothing after it
}

}  // namespace mothership::ota
