#include "simulated_device.hpp"

#include "device_tls.hpp"
#include "firmware_download.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <deque>
#include <fstream>
#include <optional>
#include <random>

namespace mothership::sim {

namespace asio = boost::asio;
namespace json = boost::json;

// Messages the device received, and a timer that wakes whoever waits for the next one.
struct simulated_device::mailbox {
  explicit mailbox(asio::any_io_executor ex) : wake(ex) {}
  std::deque<std::pair<std::string, std::string>> messages;  // topic, payload
  asio::steady_timer wake;
  bool closed = false;
};

namespace {

std::string text_of(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// The messages are built outside the coroutines: g++ 12 rejects initializer lists holding
// string literals inside a coroutine ("array used as initializer").
std::int64_t uptime_s(std::chrono::steady_clock::time_point booted) {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - booted).count();
}

std::string hello_message(const fleet_settings& s, const std::string& csr) {
  return json::serialize(json::object{{"model", s.model}, {"firmware_version", s.firmware_version}, {"csr", csr}});
}

std::string state_message(const fleet_settings& s, const std::string& version,
                          std::chrono::steady_clock::time_point booted) {
  return json::serialize(
      json::object{{"firmware_version", version}, {"model", s.model}, {"uptime_s", uptime_s(booted)}});
}

std::string job_request(std::string token) {
  return json::serialize(json::object{{"clientToken", std::move(token)}, {"statusDetails", {{"step", "download"}}}});
}

std::string job_update(const char* status, const char* step, const char* extra_key, const std::string& extra_value,
                       const std::string& token) {
  json::object details{{"step", step}};
  if (*extra_key) details[extra_key] = extra_value;
  return json::serialize(
      json::object{{"status", status}, {"statusDetails", std::move(details)}, {"clientToken", token}});
}

std::string installing_update(const std::string& token) {
  return job_update("IN_PROGRESS", "install", "percent", "100", token);
}

std::string failed_update(const std::string& reason, const std::string& token) {
  return job_update("FAILED", "rollback", "reason", reason, token);
}

std::string succeeded_update(const std::string& token) {
  return job_update("SUCCEEDED", "confirmed", "", "", token);
}

// What a started execution asks for.
struct job_work {
  std::string job_id, version, url, sha256;
};

constexpr int download_attempts = 5;

bool is_notification(const std::string& topic) {
  return topic.ends_with("/notify-next");
}

std::optional<job_work> started_work(const json::object& execution) {
  if (text_of(execution, "status") != "IN_PROGRESS") return std::nullopt;
  job_work w;
  w.job_id = text_of(execution, "jobId");
  if (auto* doc = execution.if_contains("jobDocument"); doc && doc->is_object())
    if (auto* f = doc->as_object().if_contains("firmware"); f && f->is_object()) {
      w.version = text_of(f->as_object(), "version");
      w.url = text_of(f->as_object(), "url");
      w.sha256 = text_of(f->as_object(), "sha256");
    }
  return w;
}

std::string hash_mismatch() {
  return "the image's SHA-256 is not the job document's";
}

std::string health_check_failed() {
  return "health check failed after the reboot (simulated)";
}

std::vector<std::string> job_topics(const std::string& base) {
  return {base + "/notify-next", base + "/start-next/accepted", base + "/start-next/rejected",
          base + "/+/update/accepted", base + "/+/update/rejected"};
}

// The answer to the request on `topic` with `token`, taken out of `messages` (the others
// stay): accepted?, and its body.
std::optional<std::pair<bool, json::object>> take_answer(std::deque<std::pair<std::string, std::string>>& messages,
                                                         const std::string& topic, const std::string& token) {
  for (auto it = messages.begin(); it != messages.end(); ++it) {
    bool accepted = it->first == topic + "/accepted";
    if (!accepted && it->first != topic + "/rejected") continue;
    boost::system::error_code ec;
    auto v = json::parse(it->second, ec);
    if (ec || !v.is_object() || text_of(v.as_object(), "clientToken") != token) continue;
    messages.erase(it);
    return std::make_pair(accepted, std::move(v.as_object()));
  }
  return std::nullopt;
}

// Seconds a throttled request waits (the server's retryAfterSeconds), or 0 when not throttled.
int throttled_for(const json::object& rejection) {
  if (text_of(rejection, "code") != "Throttled") return 0;
  auto* after = rejection.if_contains("retryAfterSeconds");
  return after && after->is_int64() && after->as_int64() > 0 ? static_cast<int>(after->as_int64()) : 5;
}

bool has_execution(const std::string& payload) {
  boost::system::error_code ec;
  auto v = json::parse(payload, ec);
  return !ec && v.is_object() && v.as_object().contains("execution");
}

std::string heartbeat_message(std::chrono::steady_clock::time_point booted) {
  return json::serialize(json::object{{"uptime_s", uptime_s(booted)}});
}

onboarding_result failed(std::string why, std::string device_id = {}) {
  onboarding_result r;
  r.device_id = std::move(device_id);
  r.failure = std::move(why);
  return r;
}

onboarding_result succeeded(std::string device_id) {
  onboarding_result r;
  r.onboarded = true;
  r.device_id = std::move(device_id);
  return r;
}

std::vector<std::string> provisioning_topics(const std::string& serial) {
  return {"$provision/" + serial + "/certificate", "$provision/" + serial + "/status"};
}

}  // namespace

simulated_device::simulated_device(asio::any_io_executor executor, const fleet_settings& settings,
                                   factory_identity identity, std::uint64_t index)
    : executor_(executor),
      settings_(settings),
      identity_(std::move(identity)),
      index_(index),
      firmware_version_(settings.firmware_version) {}

simulated_device::~simulated_device() = default;

asio::awaitable<onboarding_result> simulated_device::onboard(std::function<void()> on_waiting,
                                                             std::chrono::steady_clock::duration timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string base = settings_.state_dir + "/" + identity_.serial;
  auto key = make_device_key(base + ".key");
  const std::string serial = identity_.serial;
  inbox_ = std::make_shared<mailbox>(executor_);
  auto box = inbox_;

  // 1. Provisioning connection: serial + claim code, the server verified against the CA.
  client_ = std::make_unique<mqtt::client>(executor_);
  client_->on_message([box](const mqtt::publish& p) {
    box->messages.emplace_back(p.topic, p.payload);
    box->wake.cancel();
  });
  mqtt::client_options provisioning;
  provisioning.host = settings_.host;
  provisioning.port = settings_.port;
  provisioning.client_id = serial;
  provisioning.username = serial;
  provisioning.password = identity_.claim_code;
  provisioning.tls.emplace();
  provisioning.tls->ca_file = settings_.ca_file;
  auto ack = co_await client_->connect(provisioning);
  if (ack.reason != mqtt::reason_code::success)
    co_return failed("provisioning CONNACK " + std::to_string(static_cast<int>(ack.reason)));
  co_await client_->subscribe(provisioning_topics(serial), mqtt::qos::at_least_once);
  co_await client_->publish("$provision/" + serial + "/hello", hello_message(settings_, key.csr_pem),
                            mqtt::qos::at_least_once);

  // 2. Status messages until the certificate comes (or a rejection, or the deadline).
  std::optional<std::string> certificate;
  bool told_waiting = false;
  while (!certificate) {
    while (!box->messages.empty()) {
      auto [topic, payload] = std::move(box->messages.front());
      box->messages.pop_front();
      if (topic.ends_with("/certificate")) {
        if (!payload.empty()) certificate = std::move(payload);
        continue;
      }
      boost::system::error_code ec;
      auto parsed = json::parse(payload, ec);
      auto state = !ec && parsed.is_object() ? text_of(parsed.as_object(), "status") : "";
      if (state == "rejected") co_return failed("rejected: " + text_of(parsed.as_object(), "reason"));
      if (state == "awaiting_approval" && !told_waiting && on_waiting) {
        told_waiting = true;
        on_waiting();
      }
    }
    if (certificate) break;
    if (std::chrono::steady_clock::now() >= deadline) co_return failed("no certificate before the deadline");
    box->wake.expires_at(deadline);
    co_await box->wake.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  auto message = json::parse(*certificate).as_object();
  device_id_ = text_of(message, "device_id");
  const std::string chain = text_of(message, "certificate") + text_of(message, "chain");
  {
    std::ofstream out(base + ".crt", std::ios::trunc);
    out << chain;
  }
  co_await client_->disconnect();

  // 3. The operational connection: mutual TLS, client id = device id, then the reported state.
  auto endpoint = text_of(message, "mqtt_endpoint");
  mqtt::client_options operational;
  operational.host = settings_.host;
  operational.port = settings_.port;
  if (auto colon = endpoint.rfind(':'); colon != std::string::npos) {
    operational.host = endpoint.substr(0, colon);
    operational.port = static_cast<std::uint16_t>(std::stoi(endpoint.substr(colon + 1)));
  }
  operational.client_id = device_id_;
  operational.tls.emplace();  // the key and certificate from memory, not from the files above
  operational.tls->context = device_client_context(settings_.ca_file);
  operational.tls->certificate = device_certificate(chain);
  operational.tls->key = key.key;
  client_ = std::make_unique<mqtt::client>(executor_);
  published_at_least_once_ = 0;
  ack = co_await client_->connect(operational);
  if (ack.reason != mqtt::reason_code::success)
    co_return failed("mTLS CONNACK " + std::to_string(static_cast<int>(ack.reason)), device_id_);
  co_await publish_at_least_once("devices/" + device_id_ + "/state",
                                 state_message(settings_, firmware_version_, booted_), true);
  co_await client_->drain();
  co_return succeeded(device_id_);
}

asio::awaitable<void> simulated_device::run_heartbeats() {
  asio::steady_timer timer(executor_);
  while (!stopped_ && client_ && client_->connected()) {
    timer.expires_after(std::chrono::seconds(settings_.heartbeat_s));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (stopped_ || !client_->connected()) break;
    co_await client_->publish("devices/" + device_id_ + "/heartbeat", heartbeat_message(booted_),
                              mqtt::qos::at_most_once);
  }
}

asio::awaitable<void> simulated_device::run_jobs() {
  if (!client_ || !client_->connected()) co_return;
  auto box = std::make_shared<mailbox>(executor_);
  client_->on_message([box](const mqtt::publish& p) {
    box->messages.emplace_back(p.topic, p.payload);
    box->wake.cancel();
  });
  const std::string base = "devices/" + device_id_ + "/jobs";
  co_await client_->subscribe(job_topics(base), mqtt::qos::at_least_once);
  std::mt19937 random(std::random_device{}());
  std::uniform_real_distribution<double> chance(0.0, 1.0);
  std::uniform_int_distribution<int> jitter_ms(0, 2000);
  int requests = 0;
  auto token = [&] { return device_id_ + "-" + std::to_string(++requests); };

  while (!stopped_ && client_->connected()) {
    bool notified = false;  // something to do: ask for it, which also starts it
    for (; !box->messages.empty(); box->messages.pop_front())
      notified =
          notified || (is_notification(box->messages.front().first) && has_execution(box->messages.front().second));
    if (!notified) {
      box->wake.expires_after(std::chrono::seconds(30));
      co_await box->wake.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    auto request_token = token();
    auto started = co_await answered(*box, base + "/start-next", job_request(request_token), request_token);
    std::optional<job_work> work;
    if (started)
      if (auto* e = started->if_contains("execution"); e && e->is_object()) work = started_work(e->as_object());
    if (!work) continue;

    const std::string update = base + "/" + work->job_id + "/update";
    // As a device would: a download that broke off (or met a busy server) is tried again.
    auto result = co_await download_firmware(executor_, work->url, {});
    for (int attempt = 1; !result.ok && attempt < download_attempts && !stopped_; ++attempt) {
      asio::steady_timer pause(executor_);
      pause.expires_after(std::chrono::seconds(attempt * 2) + std::chrono::milliseconds(jitter_ms(random)));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      result = co_await download_firmware(executor_, work->url, {});
    }
    std::string failure;
    if (!result.ok)
      failure = result.failure;
    else if (result.sha256 != work->sha256)
      failure = hash_mismatch();
    if (failure.empty()) {
      auto t = token();
      co_await answered(*box, update, installing_update(t), t);
      asio::steady_timer install(executor_);
      install.expires_after(std::chrono::seconds(settings_.ota_install_s));
      co_await install.async_wait(asio::as_tuple(asio::use_awaitable));
      if (chance(random) < settings_.ota_fail_rate) failure = health_check_failed();
    }
    if (!failure.empty()) {
      auto t = token();
      co_await answered(*box, update, failed_update(failure, t), t);
      continue;
    }
    firmware_version_ = work->version;
    co_await publish_at_least_once("devices/" + device_id_ + "/state",
                                   state_message(settings_, firmware_version_, booted_), true);
    auto t = token();
    co_await answered(*box, update, succeeded_update(t), t);
  }
}

asio::awaitable<std::optional<json::object>> simulated_device::answered(mailbox& box, std::string topic,
                                                                        std::string payload, std::string token) {
  constexpr auto answer_timeout = std::chrono::seconds(30);
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> jitter_ms(0, 3000);
  while (!stopped_ && client_->connected()) {
    co_await publish_at_least_once(topic, payload);
    auto deadline = std::chrono::steady_clock::now() + answer_timeout;
    std::optional<std::pair<bool, json::object>> answer;
    while (!(answer = take_answer(box.messages, topic, token)) && std::chrono::steady_clock::now() < deadline &&
           !stopped_ && client_->connected()) {
      box.wake.expires_at(deadline);
      co_await box.wake.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (answer && answer->first) co_return std::move(answer->second);
    int wait_s = answer ? throttled_for(answer->second) : 1;  // no answer in time: ask again soon
    if (wait_s == 0) co_return std::nullopt;                  // refused for good
    asio::steady_timer pause(executor_);
    pause.expires_after(std::chrono::seconds(wait_s) + std::chrono::milliseconds(jitter_ms(random)));
    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return std::nullopt;
}

asio::awaitable<std::uint64_t> simulated_device::publish_at_least_once(std::string topic, std::string payload,
                                                                       bool retain) {
  co_await client_->publish(std::move(topic), std::move(payload), mqtt::qos::at_least_once, retain);
  // Counted once queued: publish() returns right after the client numbered and queued it.
  co_return ++published_at_least_once_;
}

void simulated_device::stop() {
  stopped_ = true;
  if (client_) client_->close();
}

}  // namespace mothership::sim
