#pragma once
// The OpenSSL side of checked_csr, for the files in src/pki that sign with it.
#include "pki/csr.hpp"
#include "pki/openssl_handles.hpp"

namespace mothership::pki {

struct checked_csr::key {
  explicit key(detail::owned_key k) : pkey(std::move(k)) {}
  detail::owned_key pkey;
};

}  // namespace mothership::pki
