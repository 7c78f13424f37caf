#pragma once
// The in-process client: server modules (telemetry, jobs, provisioning) publish and subscribe
// through the broker like a network client — same sessions, QoS, retained messages and
// authorization for the identity they connect as — without a socket. Deliveries arrive on
// the given executor, never under the broker's lock.
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mqtt/broker/broker.hpp"

namespace mothership::mqtt {

class local_client : public session_sink, public std::enable_shared_from_this<local_client> {
 public:
  using message_handler = std::function<void(const publish&)>;
  using close_handler = std::function<void(reason_code)>;

  // Connects with a clean session; the CONNACK's reason is in connack_reason(). The session
  // holds the client weakly: keep the pointer while connected (dropped without disconnect(),
  // the session is left offline).
  static std::shared_ptr<local_client> connect(broker& b, boost::asio::any_io_executor executor, std::string client_id,
                                               identity who, message_handler on_message, close_handler on_close = {});

  // Returns the PUBACK's reason for QoS 1 (not_authorized, no_matching_subscribers ...),
  // success for QoS 0.
  reason_code publish(std::string topic, std::string payload, qos q = qos::at_most_once, bool retain = false);
  // `no_local`: not the messages this client publishes itself (MQTT 5 No Local).
  std::vector<reason_code> subscribe(std::vector<std::string> filters, qos max_qos, bool no_local = false);
  void disconnect();

  bool connected() const { return !session_.expired(); }
  reason_code connack_reason() const { return connack_reason_; }

  void wake() override;
  void close(reason_code reason) override;

  // Public for make_shared; use connect().
  local_client(broker& b, boost::asio::any_io_executor executor, message_handler on_message, close_handler on_close);

 private:
  void drain();  // runs on the executor: decodes the outbox and hands messages over
  std::vector<packet> take_packets();

  broker& broker_;
  boost::asio::any_io_executor executor_;
  message_handler on_message_;
  close_handler on_close_;
  // Weak: the broker owns the session; once it ends, calls here find no session.
  std::weak_ptr<session> session_;
  reason_code connack_reason_ = reason_code::success;
  std::uint16_t next_id_ = 0;
  std::vector<packet> replies_;  // acknowledgements taken while waiting for our own
};

}  // namespace mothership::mqtt
