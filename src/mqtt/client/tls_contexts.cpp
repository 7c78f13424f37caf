#include "mqtt/client/tls_contexts.hpp"

#include <openssl/ssl.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <tuple>

namespace mothership::mqtt {

namespace ssl = boost::asio::ssl;

namespace {

// What a context depends on: the paths, when those files were last written, and verification.
using context_key = std::tuple<std::string, std::string, std::string, bool, std::filesystem::file_time_type,
                               std::filesystem::file_time_type, std::filesystem::file_time_type>;

std::filesystem::file_time_type written_at(const std::string& path) {
  std::error_code ec;  // a missing file is reported by OpenSSL when it is loaded
  return path.empty() ? std::filesystem::file_time_type{} : std::filesystem::last_write_time(path, ec);
}

std::shared_ptr<ssl::context> build(const tls_options& options) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  // Without verification no CA is loaded: OpenSSL 3 still builds the chain, and with the system
  // store that reads the certificate directory on every handshake.
  if (options.verify && options.ca_file.empty()) ctx->set_default_verify_paths();
  if (options.verify && !options.ca_file.empty()) ctx->load_verify_file(options.ca_file);
  ctx->set_verify_mode(options.verify ? ssl::verify_peer : ssl::verify_none);
  if (!options.cert_file.empty()) {
    ctx->use_certificate_chain_file(options.cert_file);
    ctx->use_private_key_file(options.key_file, ssl::context::pem);
  }
  // An idle connection then keeps no read and write buffers (about 34 KB each otherwise).
  SSL_CTX_set_mode(ctx->native_handle(), SSL_MODE_RELEASE_BUFFERS);
  return ctx;
}

}  // namespace

std::shared_ptr<ssl::context> client_tls_context(const tls_options& options) {
  static std::mutex mutex;
  static std::map<context_key, std::shared_ptr<ssl::context>> contexts;
  context_key key{options.ca_file,
                  options.cert_file,
                  options.key_file,
                  options.verify,
                  written_at(options.ca_file),
                  written_at(options.cert_file),
                  written_at(options.key_file)};
  std::lock_guard lock(mutex);
  auto& ctx = contexts[key];
  if (!ctx) ctx = build(options);
  return ctx;
}

}  // namespace mothership::mqtt
