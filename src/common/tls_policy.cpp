#include "common/tls_policy.hpp"

#include <openssl/ssl.h>

namespace mothership::common {

// Named suites rather than "ECDHE+AESGCM:..." so that what a listener offers cannot widen with
// an OpenSSL upgrade. CBC suites (SHA-1 and SHA-256 MACs), RSA key exchange and DHE are out:
// they are what the "intermediate" profile drops, and no client of ours needs them.
const char* tls12_server_ciphers() {
  return "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
         "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
         "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
}

bool apply_server_tls_policy(ssl_ctx_st* ctx) {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) return false;
  // Only TLS 1.2 and below read this list; TLS 1.3 suites are set by SSL_CTX_set_ciphersuites,
  // which stays at OpenSSL's default.
  return SSL_CTX_set_cipher_list(ctx, tls12_server_ciphers()) == 1;
}

}  // namespace mothership::common
