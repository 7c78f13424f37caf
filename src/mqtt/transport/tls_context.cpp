#include "mqtt/transport/tls_context.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <stdexcept>

#include "common/tls_policy.hpp"

namespace mothership::mqtt {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> make_server_tls_context(const tls_files& files) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  if (!common::apply_server_tls_policy(native)) throw std::runtime_error("TLS: the cipher policy is not available");
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_compression | ssl::context::single_dh_use);
  // Idle connections give their record buffers back: thousands of mostly silent devices
  // would otherwise hold ~34 KiB each.
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  // A client-initiated TLS 1.2 renegotiation is refused: it buys devices nothing, and it is the
  // one thing that would make the MQTT TLS stream's SSL_write wait for input (tls_stream.cpp).
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
  // No TLS 1.3 session tickets: OpenSSL 3.0 builds each one by encoding and decoding a copy of
  // the session, peer certificate included, which made ticket issuing 7% of the server's
  // work while a fleet onboards (bench/onboarding), and devices seldom resume anyway: a reboot
  // loses the ticket. A reconnect is a full handshake that verifies the certificate again.
  SSL_CTX_set_num_tickets(native, 0);

  auto use = [](const std::string& what, const std::string& file, auto&& load) {
    boost::system::error_code ec;
    load(ec);
    if (ec) throw std::runtime_error("TLS " + what + " " + file + ": " + ec.message());
  };
  use("certificate chain", files.certificate_chain,
      [&](auto& ec) { ctx->use_certificate_chain_file(files.certificate_chain, ec); });
  use("private key", files.private_key,
      [&](auto& ec) { ctx->use_private_key_file(files.private_key, ssl::context::pem, ec); });

  if (!files.client_ca.empty()) {
    use("client CA", files.client_ca, [&](auto& ec) { ctx->load_verify_file(files.client_ca, ec); });
    // Ask for a certificate; refuse the handshake when one is presented and does not verify
    // (foreign CA, expired, not yet valid); let a connection without one continue.
    ctx->set_verify_mode(ssl::verify_peer);
    // Every certificate in the bundle is an anchor: a device certificate verifies against the
    // issuing CA alone, without checking the issuing CA's own signature again in every handshake.
    X509_STORE_set_flags(SSL_CTX_get_cert_store(native), X509_V_FLAG_PARTIAL_CHAIN);
    // Name the CAs we accept in the CertificateRequest, so clients pick the right certificate.
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.client_ca.c_str()))
      SSL_CTX_set_client_CA_list(native, names);
    // Required for session resumption when client certificates are verified.
    static const unsigned char session_context[] = "mothership-mqtt";
    SSL_CTX_set_session_id_context(native, session_context, sizeof session_context - 1);
  }
  return ctx;
}

}  // namespace mothership::mqtt
