#pragma once
// Owning handles for OpenSSL objects and the few conversions every PKI file needs. Internal to
// src/pki: other modules see PEM text and opaque pointers, never OpenSSL headers.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mothership::pki::detail {

// A named deleter (not a lambda) so that the handle types are the same in every file.
template <auto Free>
struct freer {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
template <class T, void (*Free)(T*)>
using owned = std::unique_ptr<T, freer<Free>>;

using owned_key = owned<EVP_PKEY, EVP_PKEY_free>;
using owned_x509 = owned<X509, X509_free>;
using owned_bio = owned<BIO, BIO_free_all>;

// A PKI operation that cannot fail unless OpenSSL or the machine is broken.
struct pki_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
inline void check(bool ok, const char* what) {
  if (!ok) throw pki_error(std::string("pki: ") + what + " failed");
}

inline owned_bio memory_bio(std::string_view text) {
  return owned_bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}
inline std::string text_of(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string pem_of(const X509* cert);
std::string pem_of_private_key(const EVP_PKEY* key);
// Every certificate in a PEM text, in order; throws pki_error on a malformed one.
std::vector<owned_x509> certificates_in(std::string_view pem);
owned_key private_key_in(std::string_view pem);

// Lower-case hex of the certificate's serial number and of the SHA-256 of its DER form.
std::string serial_hex(const X509* cert);
std::string sha256_fingerprint(const X509* cert);
// Milliseconds since the epoch of an ASN1_TIME.
long long millis_of(const ASN1_TIME* t);

}  // namespace mothership::pki::detail
