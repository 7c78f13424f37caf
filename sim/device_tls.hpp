#pragma once
// TLS client contexts for simulated devices, built from what the simulator holds in memory
// (the device's key, the certificate the server sent) with one trust store per CA file shared
// by all of them: parsing the CA bundle, certificate and key files again for each of
// thousands of devices cost the simulator a third of its time.
#include <openssl/evp.h>

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace mothership::sim {

// A context that verifies the broker against `ca_file` and presents the device's certificate
// (the first in `certificate_chain_pem`) with `key`. Throws std::runtime_error when the PEM
// does not parse or does not match the key.
std::shared_ptr<boost::asio::ssl::context> device_tls_context(const std::string& ca_file,
                                                              const std::string& certificate_chain_pem, EVP_PKEY* key);

}  // namespace mothership::sim
