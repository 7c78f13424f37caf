#pragma once
// An MQTT 5 / 3.1.1 client on Asio coroutines and the project's codec: for the fleet
// simulator, the load generator and tests. One client lives on one executor (a
// single-threaded io_context); its calls must be made from coroutines on that executor.
//
//   mqtt::client c(io.get_executor());
//   co_await c.connect({.host = "127.0.0.1", .port = 1883, .client_id = "sim-1"});
//   co_await c.subscribe({"a/#"}, qos::at_least_once);
//   co_await c.publish("a/b", "hello", qos::at_least_once);
//
// Received messages go to the on_message callback (QoS 1 and 2 are acknowledged for you).
// QoS 1/2 publishes are pipelined up to `max_in_flight`: publish() returns once the message
// is sent and a slot was free, not when it is acknowledged; drain() waits for all acks.
//
// MQTT over TLS: set `options.tls` (CA to verify the broker, optionally a client certificate).
// Without it the connection is plain TCP and costs nothing for TLS.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mqtt/codec/packets.hpp"

namespace boost::asio::ssl {
class context;
}
struct x509_st;      // OpenSSL's X509
struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace mothership::mqtt {

// TLS settings. The files are read once per process and shared by every client that names the
// same files (a fleet simulator opens thousands of connections); a file rewritten since it was
// read (a renewed certificate) is read again on the next connect.
struct tls_options {
  std::string
      ca_file;  // PEM certificates trusted to sign the broker's; empty: the system's store (unused without verify)
  std::string cert_file;    // PEM client certificate (chain), for brokers that authenticate by certificate
  std::string key_file;     // its PEM private key; required with cert_file
  std::string server_name;  // sent as SNI (unless an IP address) and matched against the certificate;
                            // empty: client_options::host
  bool verify = true;       // false accepts any broker certificate: benchmarks and tests only
  // A context the caller built (a simulator holding thousands of device keys in memory): used
  // as it is, and the files above are not read. Set it up as a client context that verifies.
  std::shared_ptr<boost::asio::ssl::context> context;
  // A client identity for this connection only, over whatever the context holds: thousands of
  // simulated devices share one context (building one costs more than a handshake) and each
  // presents its own certificate. Both or neither; the key must match the certificate.
  std::shared_ptr<x509_st> certificate;
  std::shared_ptr<evp_pkey_st> key;
};

struct client_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;
  std::string client_id;
  protocol_version version = protocol_version::v5;
  std::uint16_t keep_alive_s = 60;
  bool clean_start = true;
  std::optional<std::uint32_t> session_expiry_s;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::uint16_t max_in_flight = 64;
  std::optional<tls_options> tls;  // none: plain TCP
};

class client {
 public:
  explicit client(boost::asio::any_io_executor executor);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  // Connects (and completes the TLS handshake) and waits for CONNACK; returns its reason
  // (success or why it was refused). Throws boost::system::system_error when the network fails,
  // a TLS file cannot be read or the broker's certificate is not trusted. A Server Keep Alive in
  // the CONNACK replaces options.keep_alive_s, as MQTT 5 requires.
  boost::asio::awaitable<mqtt::connack> connect(client_options options);
  boost::asio::awaitable<mqtt::suback> subscribe(std::vector<std::string> filters, qos max_qos);
  boost::asio::awaitable<void> publish(std::string topic, std::string payload, qos q, bool retain = false);
  boost::asio::awaitable<void> drain();       // until every QoS 1/2 publish is acknowledged
  boost::asio::awaitable<void> disconnect();  // sends DISCONNECT after what is queued, then closes
  void close();  // drops the connection at once, without DISCONNECT (a broker then publishes the Will)

  void on_message(std::function<void(const mqtt::publish&)> handler);
  bool connected() const;
  std::uint64_t acknowledged() const;  // PUBACKs and PUBCOMPs received

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace mothership::mqtt
