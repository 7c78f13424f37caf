#pragma once
// OpenSSL client contexts for mqtt::client, one per distinct set of TLS files (internal).
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "mqtt/client/mqtt_client.hpp"

namespace mothership::mqtt {

// The context for these settings: built on first use, then shared, so that thousands of
// connections do not each parse the CA bundle and key. Rebuilt when a named file changes.
// Thread-safe. Throws boost::system::system_error when a file cannot be loaded.
std::shared_ptr<boost::asio::ssl::context> client_tls_context(const tls_options& options);

}  // namespace mothership::mqtt
