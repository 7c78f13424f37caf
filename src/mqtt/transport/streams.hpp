#pragma once
// Transports for MQTT connections, each behind byte_stream: plain TCP, TLS (optionally with
// client certificates), and WebSocket (subprotocol "mqtt") over either.
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// Which web pages may open an MQTT WebSocket. A browser names the page's origin in the upgrade
// and lets any page open a WebSocket to any host, carrying whatever the user's network can
// reach: the upgrade is refused (403) unless its Origin is one of `allowed_origins`
// ("scheme://host[:port]", compared without regard to case). An upgrade without Origin comes
// from no browser (a device, a script) and is let through: it has credentials of its own.
struct ws_settings {
  std::vector<std::string> allowed_origins;
  bool allows(std::string_view origin) const;
};

// "ip:port" of the socket's peer, for logs and events.
std::string address_of(const boost::asio::ip::tcp::socket& socket);
// After a TLS handshake: records the verified client certificate's identity, if any.
// `ssl` is the connection's SSL*.
void read_peer_certificate(void* ssl, const tls_settings& tls, peer_info& peer);

std::unique_ptr<byte_stream> make_tcp_stream(boost::asio::ip::tcp::socket socket);
std::unique_ptr<byte_stream> make_tls_stream(boost::asio::ip::tcp::socket socket, const tls_settings& tls);
std::unique_ptr<byte_stream> make_ws_stream(boost::asio::ip::tcp::socket socket, std::shared_ptr<const ws_settings> ws);
std::unique_ptr<byte_stream> make_wss_stream(boost::asio::ip::tcp::socket socket, const tls_settings& tls,
                                             std::shared_ptr<const ws_settings> ws);

}  // namespace mothership::mqtt
