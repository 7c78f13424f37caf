#pragma once
// Transports for MQTT connections, each behind byte_stream: plain TCP, TLS (optionally with
// client certificates), and WebSocket (subprotocol "mqtt") over either.
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "mqtt/transport/byte_stream.hpp"

namespace boost::asio::ssl {
class context;
}

namespace mothership::mqtt {

// Maps a client certificate that verified against our CA to the identity it names (the
// device id), or nullopt when the certificate names none. Receives the OpenSSL X509* and the
// X509* that verification found as its issuer (null when the chain is not known).
using certificate_identity_fn = std::function<std::optional<std::string>(const void* x509, const void* issuer)>;

struct tls_settings {
  std::shared_ptr<boost::asio::ssl::context> context;
  certificate_identity_fn identity_of;
};

// "ip:port" of the socket's peer, for logs and events.
std::string address_of(const boost::asio::ip::tcp::socket& socket);
// After a TLS handshake: records the verified client certificate's identity, if any.
// `ssl` is the connection's SSL*.
void read_peer_certificate(void* ssl, const tls_settings& tls, peer_info& peer);

std::unique_ptr<byte_stream> make_tcp_stream(boost::asio::ip::tcp::socket socket);
std::unique_ptr<byte_stream> make_tls_stream(boost::asio::ip::tcp::socket socket, const tls_settings& tls);
std::unique_ptr<byte_stream> make_ws_stream(boost::asio::ip::tcp::socket socket);
std::unique_ptr<byte_stream> make_wss_stream(boost::asio::ip::tcp::socket socket, const tls_settings& tls);

}  // namespace mothership::mqtt
