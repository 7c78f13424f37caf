#include "pki/self_signed.hpp"

#include "pki/key_files.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace mothership::pki {

namespace {

template <class T, void (*Free)(T*)>
using owned = std::unique_ptr<T, decltype([](T* p) { Free(p); })>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("self-signed certificate: ") + what + " failed");
}

std::string pem_of(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string subject_alt_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(name, ec);
    if (!out.empty()) out += ",";
    if (name.rfind("urn:", 0) == 0)
      out += "URI:" + name;
    else
      out += (ec ? "DNS:" : "IP:") + name;
  }
  return out;
}

}  // namespace

key_and_certificate issue_self_signed(const std::vector<std::string>& names, int valid_days) {
  check(!names.empty(), "a name");
  owned<EVP_PKEY, EVP_PKEY_free> key(EVP_EC_gen("P-256"));
  check(key != nullptr, "key generation");

  owned<X509, X509_free> cert(X509_new());
  check(cert && X509_set_version(cert.get(), 2) == 1, "X509_new");
  unsigned char serial_bytes[16];
  check(RAND_bytes(serial_bytes, sizeof serial_bytes) == 1, "serial");
  serial_bytes[0] &= 0x7f;  // positive
  owned<BIGNUM, BN_free> serial(BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr));
  check(serial && BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())), "serial");
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60 * 60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(valid_days) * 24 * 60 * 60);

  X509_NAME* subject = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>("Mothership (self-issued)"), -1, -1, 0),
        "subject O");
  check(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(names.front().c_str()), -1, -1, 0),
        "subject CN");
  check(X509_set_issuer_name(cert.get(), subject) == 1, "issuer");
  check(X509_set_pubkey(cert.get(), key.get()) == 1, "public key");

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  std::string sans = subject_alt_names(names);
  const std::pair<int, const char*> extensions[] = {
      {NID_subject_alt_name, sans.c_str()},
      {NID_basic_constraints, "critical,CA:FALSE"},
      {NID_key_usage, "critical,digitalSignature"},
      {NID_ext_key_usage, "serverAuth"},
  };
  for (const auto& [nid, value] : extensions) {
    owned<X509_EXTENSION, X509_EXTENSION_free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    check(ext && X509_add_ext(cert.get(), ext.get(), -1) == 1, "extension");
  }
  check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "signing");

  owned<BIO, BIO_free_all> key_bio(BIO_new(BIO_s_mem()));
  owned<BIO, BIO_free_all> cert_bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1, "key PEM");
  check(PEM_write_bio_X509(cert_bio.get(), cert.get()) == 1, "certificate PEM");
  return {pem_of(key_bio.get()), pem_of(cert_bio.get())};
}

bool write_self_signed_if_missing(const std::string& key_file, const std::string& certificate_file,
                                  const std::vector<std::string>& names, int valid_days) {
  if (std::filesystem::exists(certificate_file) && std::filesystem::exists(key_file)) return false;
  auto issued = issue_self_signed(names, valid_days);
  write_file_with_mode(key_file, issued.key_pem, 0600);  // the key first: a certificate without it is useless
  write_file_with_mode(certificate_file, issued.certificate_pem, 0644);
  return true;
}

}  // namespace mothership::pki
