#pragma once
// The server side of TLS for the MQTT listeners: TLS 1.2 and 1.3 only (TLS 1.2 with ECDHE and
// AEAD suites only: common/tls_policy.hpp), the server's
// certificate chain and key, and, when a client CA is given, client certificates verified
// against it (optional at the TLS layer: a device being onboarded connects without one, and
// the authenticator decides what a connection without a certificate may do).
#include <memory>
#include <optional>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace mothership::mqtt {

struct tls_files {
  std::string certificate_chain;  // PEM: the server certificate, then intermediates
  std::string private_key;        // PEM
  std::string client_ca;          // PEM bundle; empty = client certificates are not accepted
};

// Throws std::runtime_error naming the file that could not be used.
std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const tls_files& files);

}  // namespace mothership::mqtt
