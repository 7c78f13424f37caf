// The broker driven as connections drive it, with fake sinks: packets in, outbox bytes decoded
// back into packets and checked.
#include "mqtt/broker/broker.hpp"

#include <gtest/gtest.h>

#include "mqtt/codec/decode.hpp"
#include "mqtt/codec/frame.hpp"

using namespace mothership::mqtt;
namespace mqtt = mothership::mqtt;
using namespace std::chrono_literals;

namespace {

struct fake_sink : session_sink {
  int wakes = 0;
  std::optional<reason_code> closed;
  void wake() override { ++wakes; }
  void close(reason_code r) override { closed = r; }
};

class deny_topic final : public authorizer {
 public:
  bool may_publish(const identity&, std::string_view topic) const override { return topic.rfind("secret", 0) != 0; }
  bool may_subscribe(const identity&, std::string_view filter) const override { return filter.rfind("secret", 0) != 0; }
};

// One client: a session, its sink, and the packets the broker wrote for it.
struct client {
  broker* b;
  std::shared_ptr<fake_sink> sink = std::make_shared<fake_sink>();
  std::shared_ptr<session> s;
  protocol_version version;

  std::vector<packet> received() {
    std::string bytes = b->take_output(*s);
    std::vector<packet> out;
    std::span<const std::uint8_t> rest(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    while (!rest.empty()) {
      auto framed = parse_frame(rest, 1 << 24);
      const frame& f = std::get<frame>(framed);
      auto p = decode_packet(f.first_byte, f.body(rest), version);
      EXPECT_TRUE(p.has_value()) << p.error().detail;
      out.push_back(*p);
      rest = rest.subspan(f.total_length);
    }
    return out;
  }
  template <class T>
  std::vector<T> received_of() {
    std::vector<T> out;
    for (auto& p : received())
      if (auto* t = std::get_if<T>(&p)) out.push_back(*t);
    return out;
  }
};

class broker_test : public ::testing::Test {
 protected:
  broker_test() : b_(limits(), policy_) {}
  static broker_limits limits() {
    broker_limits l;
    l.session.max_queued = 5;
    return l;
  }

  client connect(std::string id, protocol_version v = protocol_version::v5, bool clean = true,
                 std::optional<std::uint32_t> expiry = std::nullopt, std::optional<will_message> will = std::nullopt) {
    mqtt::connect c;
    c.version = v;
    c.clean_start = clean;
    c.client_id = std::move(id);
    c.properties.session_expiry_interval = expiry;
    c.will = std::move(will);
    client cl{&b_, std::make_shared<fake_sink>(), nullptr, v};
    auto outcome = b_.connect(c, identity{identity::kind::user, c.client_id}, cl.sink, now_);
    EXPECT_TRUE(outcome.attached);
    cl.s = outcome.attached;
    return cl;
  }
  void subscribe(client& c, std::string filter, qos q = qos::at_least_once,
                 retain_handling rh = retain_handling::send_on_subscribe, bool no_local = false) {
    mqtt::subscribe sub{next_id_++, {}, {{std::move(filter), q, no_local, false, rh}}};
    b_.subscribe(*c.s, sub, now_);
  }
  void publish(client& c, std::string topic, std::string payload, qos q = qos::at_most_once, bool retain = false) {
    mqtt::publish p{false, q, retain, std::move(topic), std::nullopt, {}, std::move(payload)};
    if (q != qos::at_most_once) p.packet_id = next_id_++;
    EXPECT_EQ(b_.publish(*c.s, std::move(p), now_), reason_code::success);
  }
  void drop(client& c) { b_.connection_closed(*c.s, c.sink.get(), true, std::nullopt, now_); }
  void disconnect(client& c) { b_.connection_closed(*c.s, c.sink.get(), false, std::nullopt, now_); }

  allow_all policy_;
  broker b_;
  steady_time now_ = std::chrono::steady_clock::now();
  std::uint16_t next_id_ = 1;
};

}  // namespace

TEST_F(broker_test, connack_advertises_limits_and_assigns_a_client_id) {
  auto c = connect("");
  auto acks = c.received_of<connack>();
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_FALSE(acks[0].session_present);
  ASSERT_TRUE(acks[0].properties.assigned_client_identifier);
  EXPECT_FALSE(acks[0].properties.assigned_client_identifier->empty());
  EXPECT_EQ(acks[0].properties.receive_maximum, 1024);
}

TEST_F(broker_test, empty_client_id_with_a_persistent_311_session_is_refused_MQTT_3_1_3_8) {
  mqtt::connect c;
  c.version = protocol_version::v311;
  c.clean_start = false;
  auto outcome = b_.connect(c, {}, std::make_shared<fake_sink>(), now_);
  EXPECT_FALSE(outcome.attached);
  EXPECT_EQ(outcome.reason, reason_code::client_identifier_not_valid);
  EXPECT_FALSE(outcome.connack_bytes.empty());
}

TEST_F(broker_test, qos1_is_acknowledged_to_the_publisher_and_delivered_with_a_packet_id) {
  auto sub = connect("sub");
  auto pub = connect("pub", protocol_version::v311);
  subscribe(sub, "a/+");
  sub.received();
  pub.received();
  publish(pub, "a/b", "hello", qos::at_least_once);
  auto acks = pub.received_of<puback>();
  ASSERT_EQ(acks.size(), 1u);
  auto got = sub.received_of<mqtt::publish>();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, "hello");
  EXPECT_EQ(got[0].qos, qos::at_least_once);
  EXPECT_TRUE(got[0].packet_id);
  EXPECT_GT(sub.sink->wakes, 0);
}

TEST_F(broker_test, delivery_qos_is_the_lower_of_publish_and_subscription) {
  auto sub = connect("sub");
  subscribe(sub, "t", qos::at_most_once);
  auto pub = connect("pub");
  publish(pub, "t", "x", qos::exactly_once);
  auto got = sub.received_of<mqtt::publish>();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].qos, qos::at_most_once);
}

TEST_F(broker_test, qos2_exactly_once_in_both_directions) {
  auto sub = connect("sub");
  subscribe(sub, "t", qos::exactly_once);
  sub.received();
  auto pub = connect("pub");
  pub.received();
  mqtt::publish p{false, qos::exactly_once, false, "t", 77, {}, "once"};
  b_.publish(*pub.s, p, now_);
  p.dup = true;
  b_.publish(*pub.s, p, now_);  // retransmission before PUBREL: must not be routed again
  EXPECT_EQ(pub.received_of<pubrec>().size(), 2u);
  b_.pubrel(*pub.s, pubrel{77, reason_code::success, {}});
  auto comps = pub.received_of<pubcomp>();
  ASSERT_EQ(comps.size(), 1u);
  EXPECT_EQ(comps[0].reason, reason_code::success);

  auto got = sub.received_of<mqtt::publish>();
  ASSERT_EQ(got.size(), 1u);
  std::uint16_t id = *got[0].packet_id;
  b_.acknowledged(*sub.s, pubrec{id, reason_code::success, {}}, now_);
  auto rels = sub.received_of<pubrel>();
  ASSERT_EQ(rels.size(), 1u);
  EXPECT_EQ(rels[0].packet_id, id);
  b_.acknowledged(*sub.s, pubcomp{id, reason_code::success, {}}, now_);
  EXPECT_EQ(sub.s->in_flight(), 0u);
}

TEST_F(broker_test, retained_messages_are_set_replaced_and_cleared_MQTT_3_3_1_5_to_7) {
  auto pub = connect("pub");
  publish(pub, "r/1", "first", qos::at_most_once, true);
  publish(pub, "r/1", "second", qos::at_most_once, true);
  publish(pub, "r/2", "other", qos::at_most_once, true);
  publish(pub, "r/2", "", qos::at_most_once, true);  // empty payload clears
  EXPECT_EQ(b_.retained_count(), 1u);
  auto sub = connect("sub");
  sub.received();
  subscribe(sub, "r/#", qos::at_most_once);
  auto packets = sub.received();
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<suback>(packets[0]));  // SUBACK first
  auto& retained = std::get<mqtt::publish>(packets[1]);
  EXPECT_EQ(retained.payload, "second");
  EXPECT_TRUE(retained.retain);
}

TEST_F(broker_test, retain_handling_do_not_send_and_send_if_new) {
  auto pub = connect("pub");
  publish(pub, "r", "kept", qos::at_most_once, true);
  auto sub = connect("sub");
  sub.received();
  subscribe(sub, "r", qos::at_most_once, retain_handling::do_not_send);
  EXPECT_TRUE(sub.received_of<mqtt::publish>().empty());
  auto other = connect("other");
  other.received();
  subscribe(other, "r", qos::at_most_once, retain_handling::send_if_new_subscription);
  EXPECT_EQ(other.received_of<mqtt::publish>().size(), 1u);
  subscribe(other, "r", qos::at_most_once, retain_handling::send_if_new_subscription);
  EXPECT_TRUE(other.received_of<mqtt::publish>().empty());
}

TEST_F(broker_test, will_on_abrupt_close_not_on_clean_disconnect) {
  auto watcher = connect("watcher");
  subscribe(watcher, "wills/#", qos::at_most_once);
  watcher.received();
  will_message will{"wills/a", "gone", qos::at_most_once, false, {}};
  auto a = connect("a", protocol_version::v311, true, std::nullopt, will);
  drop(a);
  auto got = watcher.received_of<mqtt::publish>();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, "gone");
  auto b = connect("b", protocol_version::v311, true, std::nullopt,
                   will_message{"wills/b", "x", qos::at_most_once, false, {}});
  disconnect(b);
  EXPECT_TRUE(watcher.received_of<mqtt::publish>().empty());
}

TEST_F(broker_test, will_delay_waits_and_a_reconnect_cancels_it) {
  auto watcher = connect("watcher");
  subscribe(watcher, "wills/#", qos::at_most_once);
  watcher.received();
  will_message will{"wills/a", "late", qos::at_most_once, false, {}};
  will.properties.will_delay_interval = 10;
  auto a = connect("a", protocol_version::v5, true, 60, will);
  drop(a);
  b_.tick(now_ + 5s);
  EXPECT_TRUE(watcher.received_of<mqtt::publish>().empty());
  b_.tick(now_ + 11s);
  EXPECT_EQ(watcher.received_of<mqtt::publish>().size(), 1u);

  auto c = connect("c", protocol_version::v5, true, 60,
                   will_message{"wills/c", "x", qos::at_most_once, false, will.properties});
  drop(c);
  auto back = connect("c", protocol_version::v5, false, 60);
  b_.tick(now_ + 20s);
  EXPECT_TRUE(watcher.received_of<mqtt::publish>().empty());
}

TEST_F(broker_test, persistent_session_keeps_subscriptions_and_queues_qos1_while_offline) {
  auto sub = connect("sub", protocol_version::v311, false);
  subscribe(sub, "q", qos::at_least_once);
  disconnect(sub);
  auto pub = connect("pub");
  publish(pub, "q", "while away", qos::at_least_once);
  publish(pub, "q", "qos0 is not kept", qos::at_most_once);
  EXPECT_EQ(sub.s->queued(), 1u);
  auto back = connect("sub", protocol_version::v311, false);
  auto packets = back.received();
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_TRUE(std::get<connack>(packets[0]).session_present);
  EXPECT_EQ(std::get<mqtt::publish>(packets[1]).payload, "while away");
}

TEST_F(broker_test, unacknowledged_messages_are_resent_with_dup_on_resumption_MQTT_4_4_0_1) {
  auto sub = connect("sub", protocol_version::v5, false, 300);
  subscribe(sub, "q", qos::at_least_once);
  sub.received();
  auto pub = connect("pub");
  publish(pub, "q", "one", qos::at_least_once);
  publish(pub, "q", "two", qos::at_least_once);
  auto first = sub.received_of<mqtt::publish>();
  ASSERT_EQ(first.size(), 2u);
  drop(sub);
  auto back = connect("sub", protocol_version::v5, false, 300);
  auto again = back.received_of<mqtt::publish>();
  ASSERT_EQ(again.size(), 2u);
  EXPECT_TRUE(again[0].dup);
  EXPECT_EQ(again[0].payload, "one");  // in the original order
  EXPECT_EQ(again[1].payload, "two");
  EXPECT_EQ(again[0].packet_id, first[0].packet_id);
}

TEST_F(broker_test, session_expires_after_its_interval) {
  auto sub = connect("sub", protocol_version::v5, false, 30);
  subscribe(sub, "t");
  disconnect(sub);
  b_.tick(now_ + 29s);
  EXPECT_EQ(b_.session_count(), 1u);
  b_.tick(now_ + 31s);
  EXPECT_EQ(b_.session_count(), 0u);
  EXPECT_EQ(b_.subscription_count(), 0u);
  auto back = connect("sub", protocol_version::v5, false, 30);
  EXPECT_FALSE(back.received_of<connack>()[0].session_present);
}

TEST_F(broker_test, clean_start_discards_the_old_session) {
  auto sub = connect("sub", protocol_version::v5, false, 300);
  subscribe(sub, "t");
  disconnect(sub);
  auto fresh = connect("sub", protocol_version::v5, true);
  EXPECT_FALSE(fresh.received_of<connack>()[0].session_present);
  EXPECT_EQ(b_.subscription_count(), 0u);
}

TEST_F(broker_test, a_second_connection_with_the_same_client_id_takes_over_MQTT_3_1_4_3) {
  auto first = connect("dup");
  auto second = connect("dup");
  ASSERT_TRUE(first.sink->closed);
  EXPECT_EQ(*first.sink->closed, reason_code::session_taken_over);
  b_.connection_closed(*first.s, first.sink.get(), true, std::nullopt, now_);  // the old socket closing later
  EXPECT_TRUE(second.s->connected());
  EXPECT_EQ(b_.connected_count(), 1u);
}

TEST_F(broker_test, a_client_id_cannot_be_taken_over_or_resumed_by_another_identity) {
  auto device = connect("dev-1", protocol_version::v5, false, 3600);
  for (bool clean : {true, false}) {
    mqtt::connect c;
    c.version = protocol_version::v5;
    c.clean_start = clean;
    c.client_id = "dev-1";
    auto outcome = b_.connect(c, identity{identity::kind::anonymous, ""}, std::make_shared<fake_sink>(), now_);
    EXPECT_FALSE(outcome.attached);
    EXPECT_EQ(outcome.reason, reason_code::not_authorized);
  }
  EXPECT_FALSE(device.sink->closed);
  EXPECT_TRUE(device.s->connected());
  disconnect(device);  // kept for its expiry: still not anyone else's
  mqtt::connect c;
  c.version = protocol_version::v311;
  c.clean_start = false;
  c.client_id = "dev-1";
  EXPECT_FALSE(b_.connect(c, identity{identity::kind::user, "mallory"}, std::make_shared<fake_sink>(), now_).attached);
}

namespace {

mqtt::connect persistent_connect(std::string client_id, protocol_version v = protocol_version::v311) {
  mqtt::connect c;
  c.version = v;
  c.clean_start = false;
  c.client_id = std::move(client_id);
  c.properties.session_expiry_interval = 3600;
  return c;
}

}  // namespace

// The review's HIGH finding, at the broker: a user's persistent session under a serial (taken
// before the serial was imported) must not keep the device out.
TEST_F(broker_test, a_device_identity_takes_its_client_id_back_from_a_user_or_anonymous_holder) {
  const identity mallory{identity::kind::user, "usr_MALLORY"};
  for (const identity& holder : {mallory, identity{identity::kind::anonymous, ""}}) {
    auto held = b_.connect(persistent_connect("SN-7"), holder, std::make_shared<fake_sink>(), now_);
    ASSERT_TRUE(held.attached);
    b_.subscribe(*held.attached, mqtt::subscribe{next_id_++, {}, {{"$provision/SN-7/#", qos::at_least_once}}}, now_);
    b_.connection_closed(*held.attached, held.attached->sink().get(), false, std::nullopt, now_);

    auto device_sink = std::make_shared<fake_sink>();
    auto device =
        b_.connect(persistent_connect("SN-7"), identity{identity::kind::provisioning, "SN-7"}, device_sink, now_);
    ASSERT_TRUE(device.attached);
    EXPECT_EQ(device.attached->who.what, identity::kind::provisioning);
    EXPECT_EQ(b_.subscription_count(), 0u);  // nothing of the holder's session is inherited
    b_.connection_closed(*device.attached, device_sink.get(), false, std::nullopt, now_);
    b_.end_sessions_of(identity{identity::kind::provisioning, "SN-7"}, reason_code::administrative_action, now_);
  }
  // A connected holder is taken over.
  auto holder_sink = std::make_shared<fake_sink>();
  ASSERT_TRUE(b_.connect(persistent_connect("dev_9"), mallory, holder_sink, now_).attached);
  ASSERT_TRUE(b_.connect(persistent_connect("dev_9"), identity{identity::kind::device, "dev_9"},
                         std::make_shared<fake_sink>(), now_)
                  .attached);
  EXPECT_EQ(holder_sink->closed, reason_code::session_taken_over);
}

TEST_F(broker_test, ending_an_identitys_sessions_closes_its_connections_and_forgets_them) {
  const identity alice{identity::kind::user, "usr_ALICE"};
  auto live_sink = std::make_shared<fake_sink>();
  ASSERT_TRUE(b_.connect(persistent_connect("a-1"), alice, live_sink, now_).attached);
  auto offline = b_.connect(persistent_connect("a-2"), alice, std::make_shared<fake_sink>(), now_);
  b_.connection_closed(*offline.attached, offline.attached->sink().get(), false, std::nullopt, now_);
  auto bob = connect("b-1");
  EXPECT_EQ(b_.session_count(), 3u);
  EXPECT_EQ(b_.end_sessions_of(alice, reason_code::administrative_action, now_), 2u);
  EXPECT_EQ(live_sink->closed, reason_code::administrative_action);
  EXPECT_EQ(b_.session_count(), 1u);
  EXPECT_FALSE(bob.sink->closed);
}

TEST_F(broker_test, a_connection_ends_when_its_credentials_expire_and_a_resume_renews_them) {
  const std::uint32_t t = 1800000000;
  auto first_sink = std::make_shared<fake_sink>();
  auto first = b_.connect(persistent_connect("a-1"), identity{identity::kind::user, "usr_A", t + 10}, first_sink, now_);
  ASSERT_TRUE(first.attached);
  b_.tick(now_, t + 9);
  EXPECT_FALSE(first_sink->closed);
  // The same user resumes with a fresh token: its expiry counts from now on.
  auto second_sink = std::make_shared<fake_sink>();
  ASSERT_TRUE(b_.connect(persistent_connect("a-1"), identity{identity::kind::user, "usr_A", t + 900}, second_sink, now_)
                  .attached);
  b_.tick(now_, t + 10);
  EXPECT_FALSE(second_sink->closed);
  b_.tick(now_, t + 900);
  EXPECT_EQ(second_sink->closed, reason_code::maximum_connect_time);
}

// A user disabled while their CONNECT was being checked: the revocation found no session to
// end, so the clock ends the one that arrived after it.
TEST_F(broker_test, the_clock_ends_sessions_of_users_who_are_gone) {
  auto gone_sink = std::make_shared<fake_sink>();
  ASSERT_TRUE(
      b_.connect(persistent_connect("g-1"), identity{identity::kind::user, "usr_GONE"}, gone_sink, now_).attached);
  auto kept = connect("k-1");  // the fixture's clients are users named by their client id
  b_.tick(now_, 0, [](const identity& who) { return who.name == "usr_GONE"; });
  EXPECT_EQ(gone_sink->closed, reason_code::administrative_action);
  EXPECT_FALSE(kept.sink->closed);
  EXPECT_EQ(b_.session_count(), 1u);
}

TEST_F(broker_test, disconnect_client_ends_only_the_named_identitys_connection) {
  auto alice_sink = std::make_shared<fake_sink>();
  ASSERT_TRUE(
      b_.connect(persistent_connect("a-1"), identity{identity::kind::user, "usr_A"}, alice_sink, now_).attached);
  EXPECT_FALSE(b_.disconnect_client("a-1", identity{identity::kind::user, "usr_B"}, reason_code::not_authorized));
  EXPECT_FALSE(alice_sink->closed);
  EXPECT_TRUE(b_.disconnect_client("a-1", identity{identity::kind::user, "usr_A"}, reason_code::not_authorized));
  EXPECT_EQ(alice_sink->closed, reason_code::not_authorized);
}

TEST(broker_keep_alive, the_server_caps_keep_alive_and_says_so_MQTT_3_2_2_21) {
  allow_all policy;
  broker_limits limits;
  limits.max_keep_alive_s = 60;
  broker b(limits, policy);
  auto now = std::chrono::steady_clock::now();
  auto attempt = [&](protocol_version v, std::uint16_t asked, std::string id) {
    mqtt::connect c;
    c.version = v;
    c.client_id = std::move(id);
    c.keep_alive = asked;
    return b.connect(c, identity{identity::kind::user, c.client_id}, std::make_shared<fake_sink>(), now);
  };
  EXPECT_EQ(attempt(protocol_version::v5, 30, "a").keep_alive_s, 30);
  auto capped = attempt(protocol_version::v5, 600, "b");
  ASSERT_TRUE(capped.attached);
  EXPECT_EQ(capped.keep_alive_s, 60);
  EXPECT_EQ(attempt(protocol_version::v5, 0, "c").keep_alive_s, 60);  // "none" is longer than any
  client seen{&b, nullptr, capped.attached, protocol_version::v5};
  auto acks = seen.received_of<connack>();
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].properties.server_keep_alive, 60);
  auto old = attempt(protocol_version::v311, 600, "d");
  EXPECT_FALSE(old.attached);
  EXPECT_EQ(old.reason, reason_code::client_identifier_not_valid);
  EXPECT_TRUE(attempt(protocol_version::v311, 60, "e").attached);
}

TEST_F(broker_test, shared_subscription_delivers_each_message_to_one_member) {
  auto a = connect("a");
  auto b = connect("b");
  subscribe(a, "$share/g/jobs/#");
  subscribe(b, "$share/g/jobs/#");
  a.received();
  b.received();
  auto pub = connect("pub");
  for (int i = 0; i < 10; ++i) publish(pub, "jobs/x", std::to_string(i), qos::at_least_once);
  EXPECT_EQ(a.received_of<mqtt::publish>().size(), 5u);
  EXPECT_EQ(b.received_of<mqtt::publish>().size(), 5u);
}

TEST_F(broker_test, topic_alias_maps_an_empty_topic_and_unknown_aliases_are_fatal) {
  auto sub = connect("sub");
  subscribe(sub, "long/topic/name", qos::at_most_once);
  sub.received();
  auto pub = connect("pub");
  mqtt::publish p{false, qos::at_most_once, false, "long/topic/name", std::nullopt, {}, "1"};
  p.properties.topic_alias = 3;
  EXPECT_EQ(b_.publish(*pub.s, p, now_), reason_code::success);
  p.topic.clear();
  p.payload = "2";
  EXPECT_EQ(b_.publish(*pub.s, p, now_), reason_code::success);
  auto got = sub.received_of<mqtt::publish>();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].topic, "long/topic/name");
  EXPECT_FALSE(got[1].properties.topic_alias);
  p.properties.topic_alias = 9;
  EXPECT_TRUE(is_fatal(b_.publish(*pub.s, p, now_)));
  p.properties.topic_alias = 65;  // above our maximum of 64
  p.topic = "x";
  EXPECT_EQ(b_.publish(*pub.s, p, now_), reason_code::topic_alias_invalid);
}

TEST_F(broker_test, expired_messages_are_not_delivered_and_expiry_counts_down_MQTT_3_3_2_5) {
  auto sub = connect("sub", protocol_version::v5, false, 300);
  subscribe(sub, "t");
  disconnect(sub);
  auto pub = connect("pub");
  mqtt::publish p{false, qos::at_least_once, false, "t", 5, {}, "short"};
  p.properties.message_expiry_interval = 10;
  b_.publish(*pub.s, p, now_);
  p.packet_id = 6;
  p.payload = "long";
  p.properties.message_expiry_interval = 100;
  b_.publish(*pub.s, p, now_);
  now_ += 20s;
  auto back = connect("sub", protocol_version::v5, false, 300);
  auto got = back.received_of<mqtt::publish>();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, "long");
  EXPECT_EQ(got[0].properties.message_expiry_interval, 80u);
}

TEST_F(broker_test, no_local_skips_the_publishers_own_messages) {
  auto c = connect("c");
  subscribe(c, "chat", qos::at_most_once, retain_handling::send_on_subscribe, true);
  c.received();
  publish(c, "chat", "me");
  EXPECT_TRUE(c.received_of<mqtt::publish>().empty());
  auto other = connect("other");
  publish(other, "chat", "you");
  EXPECT_EQ(c.received_of<mqtt::publish>().size(), 1u);
}

TEST_F(broker_test, receive_maximum_limits_messages_in_flight_MQTT_4_9_0_2) {
  mqtt::connect cp;
  cp.client_id = "slow";
  cp.properties.receive_maximum = 2;
  auto sink = std::make_shared<fake_sink>();
  client slow{&b_, sink, b_.connect(cp, {}, sink, now_).attached, protocol_version::v5};
  subscribe(slow, "t");
  slow.received();
  auto pub = connect("pub");
  for (int i = 0; i < 4; ++i) publish(pub, "t", std::to_string(i), qos::at_least_once);
  auto got = slow.received_of<mqtt::publish>();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(slow.s->queued(), 2u);
  b_.acknowledged(*slow.s, puback{*got[0].packet_id, reason_code::success, {}}, now_);
  EXPECT_EQ(slow.received_of<mqtt::publish>().size(), 1u);
}

TEST_F(broker_test, a_full_queue_drops_and_counts) {
  auto sub = connect("sub", protocol_version::v5, false, 300);
  subscribe(sub, "t");
  disconnect(sub);
  auto pub = connect("pub");
  for (int i = 0; i < 8; ++i) publish(pub, "t", std::to_string(i), qos::at_least_once);
  EXPECT_EQ(sub.s->queued(), 5u);  // limit in this fixture
  EXPECT_EQ(b_.stats().dropped_queue_full.load(), 3u);
}

TEST_F(broker_test, dollar_topics_are_not_seen_by_wildcard_subscribers) {
  auto sub = connect("sub");
  subscribe(sub, "#", qos::at_most_once);
  sub.received();
  auto pub = connect("pub");
  publish(pub, "$SYS/x", "hidden");
  publish(pub, "visible", "shown");
  auto got = sub.received_of<mqtt::publish>();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].topic, "visible");
}

TEST(broker_policy, refused_subscribe_and_publish_get_not_authorized) {
  deny_topic policy;
  broker b({}, policy);
  auto now = std::chrono::steady_clock::now();
  mqtt::connect c;
  c.client_id = "x";
  auto sink = std::make_shared<fake_sink>();
  client cl{&b, sink, b.connect(c, {}, sink, now).attached, protocol_version::v5};
  cl.received();
  b.subscribe(*cl.s, mqtt::subscribe{1, {}, {{"secret/#", qos::at_least_once}, {"open/#", qos::at_least_once}}}, now);
  auto acks = cl.received_of<suback>();
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].reasons, (std::vector<reason_code>{reason_code::not_authorized, reason_code::granted_qos_1}));
  b.publish(*cl.s, mqtt::publish{false, qos::at_least_once, false, "secret/x", 2, {}, "no"}, now);
  auto pubacks = cl.received_of<puback>();
  ASSERT_EQ(pubacks.size(), 1u);
  EXPECT_EQ(pubacks[0].reason, reason_code::not_authorized);
  EXPECT_EQ(b.stats().denied.load(), 2u);
}

TEST(broker_slow_reader, a_client_that_does_not_read_costs_bounded_memory) {
  allow_all policy;
  broker_limits limits;
  limits.session.max_outbox_bytes = 10000;
  limits.session.max_queued = 50;
  broker b(limits, policy);
  auto now = std::chrono::steady_clock::now();
  auto sink = std::make_shared<fake_sink>();
  mqtt::connect c;
  c.client_id = "never-reads";
  auto s = b.connect(c, {}, sink, now).attached;
  b.subscribe(*s, mqtt::subscribe{1, {}, {{"#", qos::at_least_once}}}, now);
  auto pub_sink = std::make_shared<fake_sink>();
  c.client_id = "pub";
  auto pub = b.connect(c, {}, pub_sink, now).attached;
  std::string payload(100, 'x');
  for (std::uint16_t i = 1; i <= 1000; ++i) {
    b.publish(*pub, mqtt::publish{false, qos::at_most_once, false, "t", std::nullopt, {}, payload}, now);
    b.publish(*pub, mqtt::publish{false, qos::at_least_once, false, "t", i, {}, payload}, now);
    b.take_output(*pub);
  }
  EXPECT_GT(b.stats().dropped_slow_reader.load(), 0u);
  EXPECT_GT(b.stats().dropped_queue_full.load(), 0u);
  EXPECT_LE(s->queued(), 50u * limits.session.overflow_factor);  // connected: room for publishers in flight
  EXPECT_TRUE(s->congested());
  EXPECT_LT(b.take_output(*s).size(), 10000u + 200u);  // the outbox stopped growing at its limit
}

TEST(broker_backpressure, publish_reports_full_subscribers_until_they_drain) {
  allow_all policy;
  broker_limits limits;
  limits.session.max_queued = 3;
  broker b(limits, policy);
  auto now = std::chrono::steady_clock::now();
  mqtt::connect c;
  c.client_id = "sub";
  c.properties.receive_maximum = 1;  // one message in flight, the rest queue
  auto sub_sink = std::make_shared<fake_sink>();
  auto sub = b.connect(c, {}, sub_sink, now).attached;
  b.subscribe(*sub, mqtt::subscribe{1, {}, {{"t", qos::at_least_once}}}, now);
  c.client_id = "pub";
  c.properties.receive_maximum.reset();
  auto pub = b.connect(c, {}, std::make_shared<fake_sink>(), now).attached;
  std::vector<std::weak_ptr<session>> congested;
  for (std::uint16_t i = 1; i <= 3; ++i)
    b.publish(*pub, mqtt::publish{false, qos::at_least_once, false, "t", i, {}, "m"}, now, &congested);
  EXPECT_TRUE(congested.empty());  // 1 in flight + 2 queued
  b.publish(*pub, mqtt::publish{false, qos::at_least_once, false, "t", 4, {}, "m"}, now, &congested);
  ASSERT_EQ(congested.size(), 1u);  // queue reached 3
  EXPECT_TRUE(b.still_congested(congested));
  EXPECT_EQ(b.stats().dropped_queue_full.load(), 0u);  // nothing lost: the publisher is to wait
  // The subscriber acknowledges: its queue moves into flight one by one.
  client sc{&b, sub_sink, sub, protocol_version::v5};
  auto first = sc.received_of<mqtt::publish>();
  b.acknowledged(*sub, puback{*first.back().packet_id, reason_code::success, {}}, now);
  EXPECT_FALSE(b.still_congested(congested));
  b.disconnect_slow(congested);
  EXPECT_FALSE(sub_sink->closed);  // not congested any more: not closed
}

TEST(broker_backpressure, a_subscriber_that_stays_full_is_disconnected_with_quota_exceeded) {
  allow_all policy;
  broker_limits limits;
  limits.session.max_queued = 1;
  broker b(limits, policy);
  auto now = std::chrono::steady_clock::now();
  mqtt::connect c;
  c.client_id = "stuck";
  c.properties.receive_maximum = 1;
  auto sink = std::make_shared<fake_sink>();
  auto sub = b.connect(c, {}, sink, now).attached;
  b.subscribe(*sub, mqtt::subscribe{1, {}, {{"t", qos::at_least_once}}}, now);
  std::vector<std::weak_ptr<session>> congested;
  b.publish_internal(make_message(mqtt::publish{false, qos::at_least_once, false, "t", 1, {}, "a"}, "x", now), now);
  b.publish(*sub, mqtt::publish{false, qos::at_least_once, false, "t", 2, {}, "b"}, now, &congested);
  ASSERT_FALSE(congested.empty());
  b.disconnect_slow(congested);
  ASSERT_TRUE(sink->closed);
  EXPECT_EQ(*sink->closed, reason_code::quota_exceeded);
  EXPECT_EQ(b.stats().slow_disconnects.load(), 1u);
}
