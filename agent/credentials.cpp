#include "credentials.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>
#include <stdexcept>

namespace mothership::agent {

namespace {

struct bio_deleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct x509_deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct req_deleter {
  void operator()(X509_REQ* r) const { X509_REQ_free(r); }
};
using bio_ptr = std::unique_ptr<BIO, bio_deleter>;
using x509_ptr = std::unique_ptr<X509, x509_deleter>;

bio_ptr memory_from(const std::string& text) {
  return bio_ptr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string drain(BIO& bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(&bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + openssl_error());
}

x509_ptr first_certificate(const std::string& pem) {
  auto bio = memory_from(pem);
  if (!bio) return nullptr;
  x509_ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  return cert;
}

std::optional<std::chrono::system_clock::time_point> time_of(const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace

std::string openssl_error() {
  std::string text;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

private_key generate_key() {
  private_key key(EVP_EC_gen("P-256"));
  if (!key) fail("generating an EC P-256 key");
  return key;
}

std::string private_key_pem(EVP_PKEY& key) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), &key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    fail("writing the private key");
  return drain(*bio);
}

private_key read_private_key(const std::string& pem) {
  auto bio = memory_from(pem);
  private_key key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  ERR_clear_error();
  return key;
}

std::string make_csr(EVP_PKEY& key, const std::string& common_name) {
  std::unique_ptr<X509_REQ, req_deleter> req(X509_REQ_new());
  if (!req || X509_REQ_set_version(req.get(), 0) != 1) fail("making a CSR");
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                                 -1, -1, 0) != 1)
    fail("setting the CSR subject");
  if (X509_REQ_set_pubkey(req.get(), &key) != 1) fail("setting the CSR key");
  if (X509_REQ_sign(req.get(), &key, EVP_sha256()) <= 0) fail("signing the CSR");
  bio_ptr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509_REQ(bio.get(), req.get()) != 1) fail("writing the CSR");
  return drain(*bio);
}

std::optional<certificate_info> inspect_certificate(const std::string& pem) {
  auto cert = first_certificate(pem);
  if (!cert) return std::nullopt;
  auto from = time_of(X509_get0_notBefore(cert.get()));
  auto to = time_of(X509_get0_notAfter(cert.get()));
  if (!from || !to) return std::nullopt;
  certificate_info info{*from, *to, {}};
  if (BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.get()), nullptr)) {
    if (char* hex = BN_bn2hex(bn)) {
      info.serial_hex = hex;
      OPENSSL_free(hex);
    }
    BN_free(bn);
  }
  return info;
}

bool certificate_matches_key(const std::string& pem, EVP_PKEY& key) {
  auto cert = first_certificate(pem);
  if (!cert) return false;
  bool same = X509_check_private_key(cert.get(), &key) == 1;
  ERR_clear_error();
  return same;
}

}  // namespace mothership::agent
