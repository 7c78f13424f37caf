#pragma once
// TLS for simulated devices, from what the simulator holds in memory: one client context per
// CA file shared by every device (building a context, or parsing the CA bundle, for each of
// thousands of devices cost the simulator a third of its time), and each device's certificate
// and key presented on its own connection (mqtt::tls_options::certificate and ::key).
#include <openssl/x509.h>

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace mothership::sim {

// The context every device connection uses: verifies the broker against `ca_file`, sends
// only the device's own certificate. Built on first use for each file.
std::shared_ptr<boost::asio::ssl::context> device_client_context(const std::string& ca_file);

// The device's certificate: the first in `certificate_chain_pem` (the rest of the chain, the
// issuing CA, is not presented: the server trusts it already, and each certificate sent costs
// both sides a parse in the handshake). Throws std::runtime_error when it does not parse.
std::shared_ptr<X509> device_certificate(const std::string& certificate_chain_pem);

}  // namespace mothership::sim
