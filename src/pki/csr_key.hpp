#pragma once
// The OpenSSL side of checked_csr, for the files in src/pki that sign with it.
#include <openssl/x509.h>

#include "pki/csr.hpp"
#include "pki/openssl_handles.hpp"

namespace mothership::pki {

struct checked_csr::key {
  key(detail::owned_key k, detail::owned<X509_REQ, X509_REQ_free> r) : pkey(std::move(k)), request(std::move(r)) {}
  detail::owned_key pkey;
  // The request itself: its SubjectPublicKeyInfo goes into the certificate as it was encoded.
  detail::owned<X509_REQ, X509_REQ_free> request;
  const X509_PUBKEY* public_key_info() const { return X509_REQ_get_X509_PUBKEY(request.get()); }
};

}  // namespace mothership::pki
