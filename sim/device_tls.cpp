#include "device_tls.hpp"

#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <map>
#include <mutex>
#include <stdexcept>

namespace mothership::sim {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> device_client_context(const std::string& ca_file) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<ssl::context>> contexts;
  std::lock_guard lock(mutex);
  auto& ctx = contexts[ca_file];
  if (ctx) return ctx;
  auto built = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX* native = built->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  X509_STORE* store = SSL_CTX_get_cert_store(native);
  if (X509_STORE_load_file(store, ca_file.c_str()) != 1)
    throw std::runtime_error("cannot load the CA bundle " + ca_file);
  // The bundle's issuing CA is an anchor by itself: the broker's chain ends there.
  X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
  built->set_verify_mode(ssl::verify_peer);
  // Without NO_AUTO_CHAIN OpenSSL would complete the chain from the trust store and send it.
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_NO_AUTO_CHAIN);
  ctx = std::move(built);
  return ctx;
}

std::shared_ptr<X509> device_certificate(const std::string& certificate_chain_pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(certificate_chain_pem.data(), static_cast<int>(certificate_chain_pem.size())), BIO_free);
  X509* leaf = bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!leaf) throw std::runtime_error("the device certificate does not parse");
  return {leaf, X509_free};
}

}  // namespace mothership::sim
