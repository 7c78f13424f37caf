// Writes the seed corpus of connection_fuzz: realistic MQTT sessions of both versions, one
// file each, in the input format of peer_script.hpp. Usage (from the repository root):
//   cmake --build build/fuzz --target connection_seed_corpus
//   build/fuzz/connection_seed_corpus tests/fuzz/corpus/connection
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "mqtt/codec/encode.hpp"
#include "peer_script.hpp"

namespace {

using namespace mothership::mqtt;
using mothership::fuzz::join_peers;
using mothership::fuzz::peer_shape;
using mothership::fuzz::transport_identity;

// The bytes one client sends, packet after packet, in the version it connects with.
class client {
 public:
  explicit client(protocol_version v) : version_(v) {}
  client& operator<<(const packet& p) {
    encode(p, version_, bytes_);
    return *this;
  }
  // Bytes no encoder would write: "30 04 00 02 61 23".
  client& raw(std::string_view hex) {
    for (std::size_t i = 0; i + 1 < hex.size(); i += 3)
      bytes_ += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
    return *this;
  }
  const std::string& bytes() const { return bytes_; }

 private:
  protocol_version version_;
  std::string bytes_;
};

connect hello(std::string id, bool clean = true) {
  connect c;
  c.client_id = std::move(id);
  c.clean_start = clean;
  c.keep_alive = 30;
  return c;
}

connect with_expiry(connect c, std::uint32_t seconds) {
  c.properties.session_expiry_interval = seconds;
  return c;
}

publish message(std::string topic, qos q = qos::at_most_once, std::uint16_t id = 0, std::string payload = "x") {
  publish p;
  p.topic = std::move(topic);
  p.qos = q;
  if (q != qos::at_most_once) p.packet_id = id;
  p.payload = std::move(payload);
  return p;
}

subscribe subscription(std::uint16_t id, std::vector<subscribe_entry> entries) {
  return subscribe{id, {}, std::move(entries)};
}

const peer_shape plain{};
const peer_shape idle{.stays_idle = true};
const peer_shape alongside{.chunking = 3, .next_alongside = true};
peer_shape chunked(std::uint8_t n) {
  return {.chunking = n};
}
peer_shape transport(transport_identity t) {
  return {.transport = t};
}

using peers = std::vector<std::pair<peer_shape, std::string>>;

class corpus {
 public:
  explicit corpus(std::filesystem::path dir) : dir_(std::move(dir)) { std::filesystem::create_directories(dir_); }
  void add(const std::string& name, const peers& p) {
    std::ofstream(dir_ / name, std::ios::binary) << join_peers(p);
    ++count_;
  }
  int count() const { return count_; }

 private:
  std::filesystem::path dir_;
  int count_ = 0;
};

void v311_sessions(corpus& out) {
  const auto v311 = protocol_version::v311;
  publish retained = message("status/fleet", qos::at_least_once, 1, "up");
  retained.retain = true;
  out.add("v311_connect_disconnect", {{plain, (client(v311) << hello("c1") << disconnect{}).bytes()}});
  out.add("v311_retained_then_subscriber",
          {{plain, (client(v311) << hello("r1") << retained << disconnect{}).bytes()},
           {plain, (client(v311) << hello("r2") << subscription(1, {{"status/#", qos::at_least_once}}) << puback{1}
                                 << disconnect{})
                       .bytes()}});
  out.add("v311_concurrent_clients",
          {{alongside, (client(v311) << hello("a") << subscription(1, {{"chat/#", qos::exactly_once}})
                                     << message("chat/a", qos::exactly_once, 2) << pubrel{2} << pubrec{1} << pubcomp{1}
                                     << disconnect{})
                           .bytes()},
           {alongside, (client(v311) << hello("b") << subscription(1, {{"chat/+", qos::at_least_once}})
                                     << message("chat/b", qos::at_least_once, 2) << puback{1} << disconnect{})
                           .bytes()},
           {plain, (client(v311) << hello("a") << pingreq{} << disconnect{}).bytes()}});
  out.add("v311_publish_each_qos",
          {{plain, (client(v311) << hello("c1") << message("status/a") << message("status/b", qos::at_least_once, 1)
                                 << message("status/c", qos::exactly_once, 2) << pubrel{2} << pingreq{} << disconnect{})
                       .bytes()}});
  out.add(
      "v311_subscribe_and_acknowledge",
      {{plain,
        (client(v311) << hello("c1")
                      << subscription(1, {{"status/#", qos::exactly_once}, {"devices/+/telemetry", qos::at_least_once}})
                      << message("status/x", qos::at_least_once, 2) << puback{1} << pubrec{2} << pubcomp{2}
                      << disconnect{})
            .bytes()}});
  out.add("v311_unsubscribe", {{plain, (client(v311) << hello("c1") << subscription(1, {{"a/+"}, {"b/#"}})
                                                     << unsubscribe{2, {}, {"a/+", "c"}} << disconnect{})
                                           .bytes()}});
  connect with_will = hello("c1");
  with_will.will = will_message{"status/c1", "gone", qos::at_least_once, true, {}};
  out.add("v311_will_on_connection_loss", {{plain, (client(v311) << with_will << pingreq{}).bytes()}});
  out.add(
      "v311_resumed_session_receives_queued",
      {{plain,
        (client(v311) << hello("keep", false) << subscription(1, {{"status/#", qos::at_least_once}}) << disconnect{})
            .bytes()},
       {plain, (client(v311) << hello("pub") << message("status/y", qos::at_least_once, 1) << disconnect{}).bytes()},
       {plain, (client(v311) << hello("keep", false) << puback{1} << puback{2} << disconnect{}).bytes()}});
  out.add("v311_takeover",
          {{idle, (client(v311) << hello("same") << subscription(1, {{"status/#", qos::at_least_once}})).bytes()},
           {plain, (client(v311) << hello("same", false) << disconnect{}).bytes()}});
  connect user = hello("portal-1");
  user.username = "user";
  user.password = "token";
  out.add(
      "v311_user",
      {{plain, (client(v311) << user << subscription(1, {{"devices/+/telemetry", qos::at_least_once}}) << disconnect{})
                   .bytes()}});
  user.password = "wrong";
  out.add("v311_user_bad_password", {{plain, (client(v311) << user).bytes()}});
  out.add("v311_empty_id_keeps_session", {{plain, (client(v311) << hello("", false)).bytes()}});
  out.add("v311_split_in_bytes",
          {{chunked(1),
            (client(v311) << hello("c1") << message("status/a", qos::at_least_once, 1) << disconnect{}).bytes()}});
  out.add("v311_split_in_chunks",
          {{chunked(4), (client(v311) << hello("c1") << subscription(1, {{"#", qos::exactly_once}})
                                      << message("status/a", qos::exactly_once, 1) << pubrel{1} << disconnect{})
                            .bytes()}});
  out.add("v311_second_connect", {{plain, (client(v311) << hello("c1") << hello("c1")).bytes()}});
  out.add("v311_wildcard_publish", {{plain, (client(v311) << hello("c1")).raw("30 04 00 02 61 23").bytes()}});
  out.add("v311_mqtt31_refused",
          {{plain, client(v311).raw("10 11 00 06 4d 51 49 73 64 70 03 02 00 3c 00 03 61 62 63").bytes()}});
  out.add("v311_publish_before_connect", {{plain, (client(v311) << message("status/a")).bytes()}});
  publish dup = message("status/q2", qos::exactly_once, 7);
  publish resent = dup;
  resent.dup = true;
  out.add("v311_qos2_resent",
          {{plain, (client(v311) << hello("c1") << dup << resent << pubrel{7} << pubrel{8} << disconnect{}).bytes()}});
  client flood(v311);
  flood << hello("flood") << subscription(1, {{"load/#", qos::at_least_once}});
  for (std::uint16_t i = 1; i <= 12; ++i) flood << message("load/x", qos::at_least_once, i, std::string(100, 'p'));
  out.add("v311_congested_self", {{plain, flood.bytes()}});
  // The client acknowledges its own delivery (id 1) in the read that carries its next PUBLISH.
  out.add(
      "v311_early_acknowledgement",
      {{plain, (client(v311) << hello("early") << subscription(1, {{"load/#", qos::at_least_once}})
                             << message("load/b", qos::at_least_once, 2) << puback{1}
                             << message("load/b", qos::at_least_once, 3) << message("load/b", qos::at_least_once, 4))
                   .bytes()}});
}

void v5_sessions(corpus& out) {
  const auto v5 = protocol_version::v5;
  connect rich = with_expiry(hello("r1"), 60);
  rich.properties.receive_maximum = 2;
  rich.properties.maximum_packet_size = 200;
  rich.properties.topic_alias_maximum = 2;
  rich.properties.user_properties = {{"k", "v"}};
  disconnect end_session{reason_code::normal_disconnection, {}};
  end_session.properties.session_expiry_interval = 0;
  out.add("v5_connect_properties",
          {{plain, (client(v5) << rich << subscription(1, {{"status/#", qos::exactly_once}}) << end_session).bytes()}});
  publish aliased = message("status/alias", qos::at_least_once, 1);
  aliased.properties.topic_alias = 1;
  publish by_alias = message("", qos::at_least_once, 2);
  by_alias.properties.topic_alias = 1;
  publish beyond = message("status/z");
  beyond.properties.topic_alias = 9;
  out.add("v5_topic_alias", {{plain, (client(v5) << hello("a1") << aliased << by_alias << beyond).bytes()}});
  publish unknown = message("");
  unknown.properties.topic_alias = 2;
  out.add("v5_unknown_topic_alias", {{plain, (client(v5) << hello("a1") << unknown).bytes()}});
  subscribe options{1, {}, {}};
  options.properties.subscription_identifiers = {7};
  options.entries = {{"status/#", qos::exactly_once, true, true, retain_handling::send_if_new_subscription},
                     {"self/+", qos::at_least_once, false, true, retain_handling::do_not_send}};
  out.add("v5_subscription_options",
          {{plain, (client(v5) << hello("s1") << options << options << message("self/a", qos::at_least_once, 2)
                               << message("status/b", qos::exactly_once, 3) << pubrel{3} << puback{1} << pubrec{2}
                               << pubcomp{2} << disconnect{})
                       .bytes()}});
  client shared(v5);
  shared << hello("w1")
         << subscription(1, {{"$share/fleet/status/#", qos::at_least_once}, {"$share/g2/status/#", qos::exactly_once}});
  for (std::uint16_t i = 2; i < 6; ++i) shared << message("status/s", qos::at_least_once, i);
  out.add("v5_shared_subscriptions", {{plain, (shared << disconnect{}).bytes()}});
  connect delayed = with_expiry(hello("w2", false), 30);
  delayed.will = will_message{"status/w2", "late", qos::exactly_once, false, {}};
  delayed.will->properties.will_delay_interval = 5;
  delayed.will->properties.message_expiry_interval = 100;
  out.add("v5_delayed_will",
          {{plain, (client(v5) << delayed).bytes()},
           {plain, (client(v5) << hello("w3") << subscription(1, {{"status/#", qos::at_least_once}})).bytes()}});
  connect will = hello("w4");
  will.will = will_message{"status/w4", "bye", qos::at_most_once, true, {}};
  out.add("v5_disconnect_with_will",
          {{plain, (client(v5) << will << disconnect{reason_code::disconnect_with_will_message, {}}).bytes()}});
  disconnect raise{reason_code::normal_disconnection, {}};
  raise.properties.session_expiry_interval = 100;
  out.add("v5_expiry_raised_from_zero", {{plain, (client(v5) << hello("e0") << raise).bytes()}});
  out.add("v5_auth", {{plain, (client(v5) << hello("au") << auth{reason_code::re_authenticate, {}}).bytes()}});
  client over(v5);
  over << hello("q2");
  for (std::uint16_t i = 1; i <= 5; ++i) over << message("status/q", qos::exactly_once, i);
  out.add("v5_receive_maximum_exceeded", {{plain, over.bytes()}});
  publish with_ids = message("status/i");
  with_ids.properties.subscription_identifiers = {3};
  out.add("v5_subscription_identifier_from_client", {{plain, (client(v5) << hello("i1") << with_ids).bytes()}});
  out.add(
      "v5_packet_too_large",
      {{plain,
        (client(v5) << hello("big") << message("status/big", qos::at_most_once, 0, std::string(2100, 'b'))).bytes()}});
  publish rich_message = message("status/rich", qos::at_least_once, 1, "{}");
  rich_message.retain = true;
  rich_message.properties.message_expiry_interval = 1;
  rich_message.properties.response_topic = "status/reply";
  rich_message.properties.correlation_data = std::string("\x00\x01", 2);
  rich_message.properties.content_type = "application/json";
  rich_message.properties.payload_format_indicator = 1;
  out.add("v5_retained_with_properties",
          {{plain, (client(v5) << hello("p1") << rich_message << subscription(2, {{"status/rich", qos::at_least_once}})
                               << puback{1} << disconnect{})
                       .bytes()}});
  out.add("v5_pubrec_error", {{plain, (client(v5) << hello("e1") << subscription(1, {{"status/#", qos::exactly_once}})
                                                  << pubrec{1, reason_code::unspecified_error, {}} << disconnect{})
                                          .bytes()}});
  out.add(
      "v5_resume_in_flight",
      {{plain,
        (client(v5) << with_expiry(hello("r"), 60) << subscription(1, {{"status/#", qos::exactly_once}})).bytes()},
       {plain, (client(v5) << with_expiry(hello("r", false), 60) << pubrec{1} << pubcomp{1} << disconnect{}).bytes()}});
  out.add("v5_takeover_clean", {{idle, (client(v5) << with_expiry(hello("t"), 60)).bytes()},
                                {plain, (client(v5) << hello("t") << disconnect{}).bytes()}});
  connect small = hello("tiny");
  small.properties.maximum_packet_size = 24;
  out.add("v5_small_maximum_packet_size",
          {{plain, (client(v5) << small << subscription(1, {{"status/#"}}) << message("status/long-topic-name"))
                       .raw("30 04 00 02 61 23")
                       .bytes()}});
  out.add("v5_assigned_client_id", {{plain, (client(v5) << hello("") << pingreq{} << disconnect{}).bytes()}});
  out.add("v5_expiry_beyond_maximum",
          {{plain, (client(v5) << with_expiry(hello("long", false), 4000000000u)).bytes()}});
  out.add("v5_split_in_chunks",
          {{chunked(3), (client(v5) << rich << message("status/a", qos::at_least_once, 1)
                                    << subscription(2, {{"status/a", qos::at_least_once}}) << puback{1} << disconnect{})
                            .bytes()}});
  out.add("v5_peer_resets",
          {{{.resets = true}, (client(v5) << hello("x1") << subscription(1, {{"#"}}) << message("status/r")).bytes()}});
}

void identities(corpus& out) {
  const auto v5 = protocol_version::v5;
  publish config = message("devices/d1/config", qos::exactly_once, 4, "{}");
  config.retain = true;
  out.add("device_certificate",
          {{transport(transport_identity::device_certificate),
            (client(v5) << hello("d1") << config << pubrel{4} << subscription(1, {{"devices/d1/#", qos::exactly_once}})
                        << message("devices/d1/telemetry", qos::at_least_once, 2)
                        << message("status/x", qos::at_least_once, 3) << pubrec{1} << pubcomp{1} << disconnect{})
                .bytes()}});
  out.add("device_certificate_other_id",
          {{transport(transport_identity::device_certificate), (client(v5) << hello("d2")).bytes()}});
  out.add("unnamed_certificate",
          {{transport(transport_identity::unnamed_certificate), (client(v5) << hello("d1")).bytes()}});
  out.add("failed_handshake", {{transport(transport_identity::failed_handshake), (client(v5) << hello("d1")).bytes()}});
  connect user = hello("portal-2");
  user.username = "user";
  user.password = "token";
  out.add("user_watches_device",
          {{idle, (client(v5) << user << subscription(1, {{"devices/#", qos::at_least_once}})).bytes()},
           {transport(transport_identity::device_certificate),
            (client(v5) << hello("d1") << message("devices/d1/telemetry", qos::at_least_once, 1)
                        << message("devices/d1/secret", qos::at_least_once, 2) << disconnect{})
                .bytes()}});
  out.add("anonymous_subscribes_devices",
          {{plain, (client(protocol_version::v311)
                    << hello("anon") << subscription(1, {{"devices/#"}, {"#", qos::at_least_once}}) << puback{1}
                    << disconnect{})
                       .bytes()}});
}

// Reproducers of what this target found (see known_findings in connection_fuzz.cpp).
void findings(corpus& out) {
  const auto v5 = protocol_version::v5;
  connect small = hello("f1");
  small.properties.maximum_packet_size = 16;
  out.add("finding_disconnect_beyond_maximum_packet_size",
          {{plain, (client(v5) << small).raw("30 04 00 02 61 23").bytes()}});
  out.add("finding_disconnect_after_auth", {{plain, (client(v5) << hello("f2")).raw("f0 00").bytes()}});
  // Peer 0 is still sending its SUBSCRIBE when peer 2 takes its client id over (peer 1 only
  // lets time pass): the subscription lands on the ended session.
  out.add(
      "finding_takeover_subscription_leak",
      {{alongside,
        (client(protocol_version::v311) << hello("a") << subscription(1, {{"chat/#", qos::at_least_once}})).bytes()},
       {{.chunking = 1, .resets = true, .transport = transport_identity::device_certificate},
        client(v5).raw("e0 78 e0 7e 7e 7e 00 00").bytes()},
       {plain, (client(protocol_version::v311) << hello("a")).bytes()}});
  out.add("finding_disconnect_after_second_connect",
          {{plain, (client(v5) << hello("f3")).raw("10 0f 00 04 4d 51 54 54 06 02 00 3c 00 03 61 62 63").bytes()}});
}

void broken_streams(corpus& out) {
  out.add("garbage", {{plain, client(protocol_version::v5).raw("10 ff ff ff 7f 00 01 02").bytes()}});
  out.add("connect_truncated",
          {{plain, client(protocol_version::v5).raw("10 0f 00 04 4d 51 54 54 04 02 00 3c 00 05 61 62 63").bytes()}});
  out.add("connect_then_reserved_type",
          {{plain, (client(protocol_version::v311) << hello("c1")).raw("00 00").bytes()}});
  out.add("subscribe_bad_flags",
          {{plain, (client(protocol_version::v311) << hello("c1")).raw("80 06 00 01 00 01 61 00").bytes()}});
  out.add("pingreq_with_body", {{plain, (client(protocol_version::v5) << hello("c1")).raw("c0 01 00").bytes()}});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " <corpus directory>\n";
    return 2;
  }
  corpus out(argv[1]);
  v311_sessions(out);
  v5_sessions(out);
  identities(out);
  findings(out);
  broken_streams(out);
  std::cout << out.count() << " files written to " << argv[1] << "\n";
  return 0;
}
