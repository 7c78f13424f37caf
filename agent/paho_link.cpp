// mqtt_link on Eclipse Paho MQTT C++ (the asynchronous client). Paho's own reconnect is off:
// the agent decides when and where to reconnect (backoff with jitter, a new identity after
// onboarding or renewal), so each link is one connection.

#include <mqtt/async_client.h>

#include <mutex>

#include "mqtt_link.hpp"

namespace mothership::agent {

namespace {

// 3.1.1 CONNACK return codes 1..5 as the MQTT 5 reason codes that mean the same.
int as_v5_reason(int code, mqtt_version version) {
  if (version == mqtt_version::v5) return code;
  switch (code) {
    case 1:
      return 0x84;  // unacceptable protocol version
    case 2:
      return reason::identifier_rejected;
    case 3:
      return reason::server_unavailable;
    case 4:
      return reason::bad_user_name_or_password;
    case 5:
      return reason::not_authorized;
    default:
      return -1;
  }
}

class paho_link final : public mqtt_link {
 public:
  explicit paho_link(event_queue& events) : events_(events) {}

  ~paho_link() override {
    if (client_) client_->disable_callbacks();
  }

  connect_outcome connect(const connect_request& r, std::chrono::milliseconds timeout) override {
    version_ = r.version;
    const bool v5 = r.version == mqtt_version::v5;
    const int paho_version = v5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1;
    bool ipv6 = r.host.find(':') != std::string::npos;
    std::string uri = "ssl://" + (ipv6 ? "[" + r.host + "]" : r.host) + ":" + std::to_string(r.port);
    try {
      client_ = std::make_unique<mqtt::async_client>(uri, r.client_id, mqtt::create_options(paho_version));
    } catch (const mqtt::exception& e) {
      return {false, -1, std::string("cannot create the MQTT client: ") + e.what()};
    }
    client_->set_message_callback([this](mqtt::const_message_ptr m) {
      events_.push(message_event{m->get_topic(), m->to_string()});
    });
    client_->set_connection_lost_handler([this](const std::string& cause) {
      events_.push(lost_event{cause.empty() ? "the connection was lost" : cause, -1});
    });
    client_->set_disconnected_handler([this](const mqtt::properties&, mqtt::ReasonCode code) {
      events_.push(lost_event{"the server disconnected", static_cast<int>(code)});
    });

    auto ssl = mqtt::ssl_options_builder()
                   .trust_store(r.ca_file)
                   .enable_server_cert_auth(true)
                   .verify(true)  // the host name too, not only the chain
                   .error_handler([this](const std::string& text) {
                     std::lock_guard lock(mutex_);
                     if (!tls_error_.empty()) tls_error_ += "; ";
                     tls_error_ += text;
                   })
                   .finalize();
    if (r.cert_file) ssl.set_key_store(*r.cert_file);
    if (r.key_file) ssl.set_private_key(*r.key_file);

    mqtt::connect_options_builder builder;
    builder.mqtt_version(paho_version)
        .keep_alive_interval(std::chrono::seconds(r.keep_alive_s))
        .connect_timeout(std::chrono::duration_cast<std::chrono::seconds>(timeout))
        .automatic_reconnect(false)
        .ssl(std::move(ssl));
    if (v5)
      builder.clean_session(false).clean_start(true);
    else
      builder.clean_start(false).clean_session(true);
    if (r.username) builder.user_name(*r.username);
    if (r.password) builder.password(*r.password);

    try {
      auto token = client_->connect(builder.finalize());
      if (!token->wait_for(timeout + std::chrono::seconds(2))) return {false, -1, "no answer to CONNECT in time"};
      return {true, -1, {}};
    } catch (const mqtt::exception& e) {
      // Paho reports a refused CONNECT with the CONNACK code as its return code (and, for
      // MQTT 5, sometimes as the reason code); transport failures are negative.
      int code = e.get_reason_code() >= 0x80 ? e.get_reason_code() : e.get_return_code();
      int refusal = as_v5_reason(code, r.version);
      if (v5 && (refusal < 0x80 || refusal > 0xFF)) refusal = -1;
      std::string detail = refusal >= 0 ? describe_reason(refusal) : e.what();
      std::lock_guard lock(mutex_);
      if (!tls_error_.empty()) detail += " (TLS: " + tls_error_ + ")";
      return {false, refusal, detail};
    }
  }

  bool subscribe(const std::vector<std::string>& filters, int qos, std::chrono::milliseconds timeout) override {
    try {
      auto topics = mqtt::string_collection::create(filters);
      std::vector<int> qoses(filters.size(), qos);
      auto token = client_->subscribe(topics, qoses);
      if (!token->wait_for(timeout)) return false;
      auto response = token->get_subscribe_response();
      for (auto code : response.get_reason_codes())
        if (static_cast<int>(code) >= 0x80) return false;
      return true;
    } catch (const mqtt::exception&) {
      return false;
    }
  }

  bool publish(const std::string& topic, const std::string& payload, int qos, bool retain) override {
    try {
      last_ = client_->publish(topic, payload.data(), payload.size(), qos, retain);
      return true;
    } catch (const mqtt::exception&) {
      return false;
    }
  }

  bool wait_published(std::chrono::milliseconds timeout) override {
    if (!last_) return true;
    try {
      return last_->wait_for(timeout);
    } catch (const mqtt::exception&) {
      return false;
    }
  }

  void disconnect(std::chrono::milliseconds timeout) override {
    if (!client_) return;
    try {
      if (client_->is_connected()) client_->disconnect()->wait_for(timeout);
    } catch (const mqtt::exception&) {
      // Already gone: nothing to close.
    }
  }

 private:
  event_queue& events_;
  std::unique_ptr<mqtt::async_client> client_;
  mqtt::delivery_token_ptr last_;
  mqtt_version version_ = mqtt_version::v5;
  std::mutex mutex_;
  std::string tls_error_;
};

}  // namespace

link_factory paho_links() {
  return [](event_queue& events) -> std::unique_ptr<mqtt_link> { return std::make_unique<paho_link>(events); };
}

std::string describe_reason(int code) {
  const char* text = "refused";
  switch (code) {
    case 0x84:
      text = "unsupported protocol version";
      break;
    case reason::identifier_rejected:
      text = "client identifier not valid";
      break;
    case reason::bad_user_name_or_password:
      text = "bad user name or password";
      break;
    case reason::not_authorized:
      text = "not authorized";
      break;
    case reason::server_unavailable:
      text = "server unavailable";
      break;
    case 0x89:
      text = "server busy";
      break;
    case 0x8B:
      text = "server shutting down";
      break;
    case 0x8D:
      text = "keep alive timeout";
      break;
    case 0x8E:
      text = "session taken over";
      break;
    case reason::administrative_action:
      text = "administrative action";
      break;
    case 0x9F:
      text = "connection rate exceeded";
      break;
    default:
      break;
  }
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", code);
  return std::string(text) + " (" + hex + ")";
}

}  // namespace mothership::agent
