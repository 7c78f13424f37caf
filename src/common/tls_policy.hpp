#pragma once
// The protocol and cipher policy every TLS listener of the server applies (MQTT over TLS and
// WSS, and HTTPS): the common "intermediate" profile. TLS 1.2 is limited to ECDHE key
// exchange with AEAD ciphers (AES-GCM, ChaCha20-Poly1305); TLS 1.3 keeps OpenSSL's suites,
// which are all AEAD.
struct ssl_ctx_st;

namespace mothership::common {

// Sets the minimum version to TLS 1.2 and the TLS 1.2 cipher list. Returns false when OpenSSL
// accepts none of the suites (a build without them), which the caller treats as fatal.
bool apply_server_tls_policy(ssl_ctx_st* ctx);

// The TLS 1.2 cipher list, in OpenSSL syntax, for tests and logs.
const char* tls12_server_ciphers();

}  // namespace mothership::common
