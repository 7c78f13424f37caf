#pragma once
// The OpenSSL side of checked_csr, for the files in src/pki that sign with it.
#include <openssl/x509.h>

#include "pki/csr.hpp"
#include "pki/openssl_handles.hpp"

namespace mothership::pki {

struct checked_csr::key {
  explicit key(detail::owned<X509_REQ, X509_REQ_free> r) : request(std::move(r)) {}
  // The request itself: its SubjectPublicKeyInfo goes into the certificate as it was encoded.
  detail::owned<X509_REQ, X509_REQ_free> request;
  const X509_PUBKEY* public_key_info() const { return X509_REQ_get_X509_PUBKEY(request.get()); }
};

}  // namespace mothership::pki
