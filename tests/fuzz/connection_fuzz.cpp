// Fuzzes the MQTT connection state machine (src/mqtt/transport/mqtt_connection.cpp) and the
// broker behind it with arbitrary byte streams. Each input is up to four peers (peer_script.hpp)
// that connect one after another or side by side, over in-memory streams, to a fresh broker on
// a fresh single-threaded io_context, next to an in-process client subscribed to everything (so
// routing, shared subscriptions and QoS 2 delivery run too). A fresh world per input keeps
// every finding reproducible from its file alone (one world reused across inputs ran ~1.6x
// faster, but hid state such as an observer disconnected by an earlier input).
//
// CONNECTION_FUZZ_TRACE=1 prints every conversation (client> and server< bytes), e.g. to read
// a reproducer: ./connection_fuzz crash-...; CONNECTION_FUZZ_STRICT=1 tolerates no known
// finding (the corpus's finding_* inputs then show each one, until it is fixed).
//
// Findings, besides crashes and sanitizer reports:
//   - the server breaks a protocol rule towards a peer (server_output_check.hpp);
//   - a connection does not end once its peer is done, or is never freed;
//   - connected / disconnected events do not pair up;
//   - a session stays attached with no connection, or sessions and subscriptions outlive
//     every expiry.
//
// No input waits on real time: the connection's timers (CONNECT, keep-alive, writes) are far
// away and cancelled when a connection ends, silent peers hang up as soon as nothing else can
// run, and a congested subscriber is disconnected at once (slow_subscriber_timeout_s = 0)
// instead of being polled every millisecond.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "events/event_bus.hpp"
#include "mqtt/broker/broker.hpp"
#include "mqtt/broker/fleet_policy.hpp"
#include "mqtt/transport/local_client.hpp"
#include "mqtt/transport/mqtt_connection.hpp"
#include "peer_script.hpp"
#include "scripted_stream.hpp"
#include "server_output_check.hpp"

namespace {

namespace asio = boost::asio;
namespace mqtt = mothership::mqtt;
namespace events = mothership::events;
using namespace mothership::fuzz;

// Small, so that short inputs fill queues, close windows, exhaust aliases and send packets
// that are too large.
mqtt::broker_limits small_limits() {
  mqtt::broker_limits l;
  l.session.max_queued = 4;
  l.session.overflow_factor = 2;
  l.session.inflight_v311 = 2;
  l.session.max_outbox_bytes = 1024;
  l.max_retained = 4;
  l.receive_maximum = 3;
  l.topic_alias_maximum = 3;
  l.max_packet_size = 2048;
  l.max_session_expiry_s = 600;
  l.max_topic_levels = 8;
  l.max_keep_alive_s = 60;  // a cap, so the Server Keep Alive paths run too
  return l;
}

mqtt::connection_limits no_waiting() {
  mqtt::connection_limits l;
  l.slow_subscriber_timeout_s = 0;
  return l;
}

// Portal users: "user" with the access token "token" (user id usr_FUZZ, so that client ids
// under usr_FUZZ are its own and dev_... ones are refused).
std::optional<mqtt::identity> verify_user(const mqtt::credentials& c) {
  if (c.username == "user" && c.password == "token") return mqtt::identity{mqtt::identity::kind::user, "usr_FUZZ"};
  return std::nullopt;
}

// Server bugs this target found that are reported and not fixed yet: tolerated (by rule and a
// piece of the detail), so that the short run in `make test` keeps looking for new ones.
// Delete an entry once its fix is in.
struct known_finding {
  std::string_view rule;
  std::string_view detail;
};
// Violations tolerated while their fix is pending (rule, and a part of the detail); the
// three found so far (oversized and wrongly coded closing DISCONNECTs, a subscription that
// outlived a taken-over session) are fixed, and their finding_* seeds check it.
constexpr std::array<known_finding, 0> known_findings{};

bool is_known(const violation& v) {
  static const bool strict = std::getenv("CONNECTION_FUZZ_STRICT") != nullptr;
  if (strict) return false;
  return std::any_of(known_findings.begin(), known_findings.end(), [&](const known_finding& k) {
    return v.rule == k.rule && v.detail.find(k.detail) != std::string::npos;
  });
}

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "connection_fuzz: %s\n", what.c_str());
  std::abort();
}

void report(const violation& v) {
  if (!is_known(v)) finding(v.rule + ": " + v.detail);
}

void print_transcript(const transcript& t) {
  for (const auto& e : t.entries) {
    std::fprintf(stderr, "  %s", e.from_client ? "client>" : "server<");
    for (unsigned char ch : e.bytes) std::fprintf(stderr, " %02x", ch);
    std::fprintf(stderr, "\n");
  }
}

// One input: its peers, the broker they meet in, and the checks that follow.
class fuzz_run {
 public:
  explicit fuzz_run(std::span<const std::uint8_t> input)
      : policy_(mqtt::fleet_policy_options{.allow_anonymous = true, .verify_user = verify_user}),
        broker_(small_limits(), policy_),
        ctx_(std::make_shared<mqtt::connection_context>(broker_, policy_, no_waiting(), &bus_, nullptr)),
        scripts_(split_peers(input)) {
    events_ = bus_.subscribe("mqtt.", [this](const events::event& e) {
      if (e.type == "mqtt.connected") ++connected_events_;
      if (e.type == "mqtt.disconnected") ++disconnected_events_;
    });
  }

  void play() {
    observer_ = mqtt::local_client::connect(broker_, io_.get_executor(), "observer",
                                            {mqtt::identity::kind::internal, "fuzz"}, {});
    observer_->subscribe({"#", "$share/fleet/#"}, mqtt::qos::exactly_once);
    start_next_peer();
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      io_.poll();
      if (io_.stopped()) return;
      if (hang_up_one_idle_peer()) continue;
      if (std::chrono::steady_clock::now() > give_up) finding("connections still open 5 s after every peer was done");
      io_.run_one_for(std::chrono::milliseconds(1));
    }
  }

  void check() {
    const mqtt::broker_limits limits = broker_.limits();
    const server_settings server{policy_, limits.max_packet_size, limits.session.inflight_v311};
    const bool trace = std::getenv("CONNECTION_FUZZ_TRACE") != nullptr;
    for (std::size_t i = 0; i < peers_.size(); ++i) {
      if (trace) {
        std::fprintf(stderr, "peer %zu:\n", i);
        print_transcript(peers_[i]->log);
      }
      const std::string peer = "peer " + std::to_string(i) + ": ";
      if (!peers_[i]->gone) report({"connection not freed", peer + "the server never freed its connection"});
      for (auto& v : find_server_violations(peers_[i]->log, peer_info_of(scripts_[i].shape), server)) {
        if (!is_known(v)) print_transcript(peers_[i]->log);
        report({v.rule, peer + v.detail});
      }
    }
    if (ctx_->open != 0) report({"open count", std::to_string(ctx_->open) + " connections still counted open"});
    if (connected_events_ != disconnected_events_)
      report({"events", std::to_string(connected_events_) + " mqtt.connected events but " +
                            std::to_string(disconnected_events_) + " mqtt.disconnected"});
    observer_->disconnect();
    if (broker_.connected_count() != 0)
      report({"session attached", "a session is still attached after every connection ended"});
    broker_.tick(std::chrono::steady_clock::now() + std::chrono::seconds(limits.max_session_expiry_s + 1));
    if (broker_.session_count() != 0)
      report({"session outlives expiry", std::to_string(broker_.session_count()) + " sessions outlive every expiry"});
    if (broker_.subscription_count() != 0)
      report({"subscription outlives session",
              std::to_string(broker_.subscription_count()) + " subscriptions outlive every session"});
    if (broker_.retained_count() > limits.max_retained)
      report({"retained", "more retained messages than max_retained"});
  }

 private:
  // Peer k+1 connects alongside peer k, or when peer k has sent everything or its connection
  // is gone, whichever comes first (posted: the last may happen inside a destructor).
  void start_next_peer() {
    if (peers_.size() == scripts_.size()) return;
    auto state = std::make_shared<peer_state>();
    state->on_consumed_or_gone = [this] { asio::post(io_, [this] { start_next_peer(); }); };
    peers_.push_back(state);
    const peer_script& script = scripts_[peers_.size() - 1];
    if (script.shape.next_alongside) state->hand_over();
    auto stream = std::make_unique<scripted_stream>(io_.get_executor(), script, state);
    asio::co_spawn(io_, mqtt::serve_mqtt_connection(std::move(stream), ctx_), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        finding(std::string("serve_mqtt_connection threw: ") + ex.what());
      } catch (...) {
        finding("serve_mqtt_connection threw a non-exception");
      }
    });
  }

  bool hang_up_one_idle_peer() {
    for (auto& p : peers_)
      if (p->hang_up()) return true;
    return false;
  }

  asio::io_context io_{1};
  mqtt::fleet_policy policy_;
  mqtt::broker broker_;
  events::event_bus bus_;
  events::event_bus::subscription events_;
  std::size_t connected_events_ = 0, disconnected_events_ = 0;
  std::shared_ptr<mqtt::connection_context> ctx_;
  std::shared_ptr<mqtt::local_client> observer_;
  std::vector<peer_script> scripts_;
  std::vector<std::shared_ptr<peer_state>> peers_;
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz_run run({data, size});
  run.play();
  run.check();
  return 0;
}
