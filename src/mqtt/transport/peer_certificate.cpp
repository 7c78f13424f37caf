// What a verified client certificate tells about the peer, for every TLS transport.
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common/encoding.hpp"
#include "mqtt/transport/streams.hpp"

namespace mothership::mqtt {

namespace {

std::string serial_hex(const X509* cert) {
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr), BN_free);
  if (!bn) return {};
  std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()));
  return common::to_hex(bytes);
}

std::string sha256_hex(const X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &size) != 1) return {};
  return common::to_hex({reinterpret_cast<const char*>(digest), size});
}

}  // namespace

void read_peer_certificate(void* handle, const tls_settings& tls, peer_info& peer) {
  auto* connection = static_cast<SSL*>(handle);
  X509* cert = SSL_get0_peer_certificate(connection);
  if (!cert) return;
  peer.certificate = std::make_unique<client_certificate>();
  if (SSL_get_verify_result(connection) != X509_V_OK) return;  // verify_peer already refused these
  peer.certificate->serial = serial_hex(cert);
  peer.certificate->sha256 = sha256_hex(cert);
  if (!tls.identity_of) return;
  STACK_OF(X509)* chain = SSL_get0_verified_chain(connection);  // [0] is the certificate itself
  const X509* issuer = chain && sk_X509_num(chain) > 1 ? sk_X509_value(chain, 1) : nullptr;
  peer.certificate->identity = tls.identity_of(cert, issuer);
}

}  // namespace mothership::mqtt
