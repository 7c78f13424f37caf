#include "device_tls.hpp"

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <map>
#include <mutex>
#include <stdexcept>

namespace mothership::sim {

namespace {

namespace ssl = boost::asio::ssl;

using owned_store = std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)>;
using owned_x509 = std::unique_ptr<X509, decltype(&X509_free)>;

// Loaded once per file for the process; contexts take a reference of their own.
X509_STORE* trust_store(const std::string& ca_file) {
  static std::mutex mutex;
  static std::map<std::string, owned_store> stores;
  std::lock_guard lock(mutex);
  auto found = stores.find(ca_file);
  if (found != stores.end()) return found->second.get();
  owned_store store(X509_STORE_new(), X509_STORE_free);
  if (!store || X509_STORE_load_file(store.get(), ca_file.c_str()) != 1)
    throw std::runtime_error("cannot load the CA bundle " + ca_file);
  // The bundle's issuing CA is an anchor by itself: the broker's chain ends there.
  X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
  return stores.emplace(ca_file, std::move(store)).first->second.get();
}

}  // namespace

std::shared_ptr<ssl::context> device_tls_context(const std::string& ca_file, const std::string& certificate_chain_pem,
                                                 EVP_PKEY* key) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set1_cert_store(native, trust_store(ca_file));
  ctx->set_verify_mode(ssl::verify_peer);
  // Without NO_AUTO_CHAIN OpenSSL would complete the chain from the trust store and send it.
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_NO_AUTO_CHAIN);

  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(certificate_chain_pem.data(), static_cast<int>(certificate_chain_pem.size())), BIO_free);
  owned_x509 leaf(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr, X509_free);
  if (!leaf || SSL_CTX_use_certificate(native, leaf.get()) != 1)
    throw std::runtime_error("the device certificate does not parse");
  // The rest of the chain (the issuing CA) is not presented: the server trusts it already, and
  // each certificate sent costs both sides a parse in the handshake.

  // Also checks that the key belongs to the certificate.
  if (SSL_CTX_use_PrivateKey(native, key) != 1)
    throw std::runtime_error("the device certificate does not match its key");
  return ctx;
}

}  // namespace mothership::sim
