// A session on its own: the parts it makes on first use (topic aliases, QoS 1/2 state) and
// gives back behave as if they had always been there.
#include "mqtt/broker/session.hpp"

#include <gtest/gtest.h>

#include "mqtt/codec/decode.hpp"
#include "mqtt/codec/frame.hpp"

using namespace mothership::mqtt;
namespace mqtt = mothership::mqtt;

namespace {

struct fake_sink : session_sink {
  int wakes = 0;
  void wake() override { ++wakes; }
  void close(reason_code) override {}
};

class session_test : public ::testing::Test {
 protected:
  session_test() : s_(std::make_shared<session>("c1", 1, identity{identity::kind::user, "u"}, limits_)) {}

  void attach() { s_->attach(sink_, protocol_version::v5, 0, 0); }

  message_ptr message(std::string payload, qos q = qos::at_least_once) {
    return make_message(mqtt::publish{false, q, false, "t/1", std::nullopt, {}, std::move(payload)}, "other", now_);
  }

  std::vector<packet> sent() {
    std::string bytes = s_->take_outbox();
    std::vector<packet> out;
    std::span<const std::uint8_t> rest(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    while (!rest.empty()) {
      auto framed = parse_frame(rest, 1 << 20);
      const frame& f = std::get<frame>(framed);
      auto p = decode_packet(f.first_byte, f.body(rest), protocol_version::v5);
      EXPECT_TRUE(p.has_value());
      if (p) out.push_back(*p);
      rest = rest.subspan(f.total_length);
    }
    return out;
  }

  session_limits limits_;
  std::shared_ptr<fake_sink> sink_ = std::make_shared<fake_sink>();
  std::shared_ptr<session> s_;
  steady_time now_ = std::chrono::steady_clock::now();
};

}  // namespace

TEST_F(session_test, topic_aliases_are_set_replaced_and_forgotten_with_the_connection) {
  attach();
  EXPECT_EQ(s_->topic_of_alias(1), nullptr);
  s_->set_topic_alias(1, "a/b");
  s_->set_topic_alias(2, "c");
  ASSERT_NE(s_->topic_of_alias(1), nullptr);
  EXPECT_EQ(*s_->topic_of_alias(1), "a/b");
  s_->set_topic_alias(1, "d/e");
  EXPECT_EQ(*s_->topic_of_alias(1), "d/e");
  EXPECT_EQ(*s_->topic_of_alias(2), "c");
  attach();  // a new network connection [MQTT-3.3.2-7]
  EXPECT_EQ(s_->topic_of_alias(1), nullptr);
  s_->set_topic_alias(1, "again");
  EXPECT_EQ(*s_->topic_of_alias(1), "again");
}

TEST_F(session_test, incoming_qos2_ids_are_remembered_until_released_in_any_order) {
  EXPECT_FALSE(s_->end_incoming_qos2(7));  // nothing yet
  EXPECT_TRUE(s_->begin_incoming_qos2(7));
  EXPECT_TRUE(s_->begin_incoming_qos2(3));
  EXPECT_TRUE(s_->begin_incoming_qos2(9));
  EXPECT_FALSE(s_->begin_incoming_qos2(3));  // a retransmission
  EXPECT_EQ(s_->incoming_qos2_pending(), 3u);
  EXPECT_TRUE(s_->end_incoming_qos2(3));
  EXPECT_FALSE(s_->end_incoming_qos2(3));
  EXPECT_TRUE(s_->end_incoming_qos2(9));
  EXPECT_TRUE(s_->end_incoming_qos2(7));
  EXPECT_EQ(s_->incoming_qos2_pending(), 0u);
  EXPECT_TRUE(s_->begin_incoming_qos2(3));  // free again once released
}

TEST_F(session_test, acknowledgements_for_nothing_in_flight_are_refused) {
  attach();
  EXPECT_FALSE(s_->on_puback(1, now_));
  EXPECT_FALSE(s_->on_pubrec(1, now_));
  EXPECT_FALSE(s_->on_pubcomp(1, now_));
  EXPECT_FALSE(s_->abandon(1, now_));
}

TEST_F(session_test, qos1_flows_work_again_after_everything_was_acknowledged) {
  attach();
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(s_->deliver(message("m"), qos::at_least_once, false, {}, now_), session::delivery::sent);
    EXPECT_EQ(s_->in_flight(), 1u);
    auto out = sent();
    ASSERT_EQ(out.size(), 1u);
    auto& p = std::get<mqtt::publish>(out[0]);
    ASSERT_TRUE(p.packet_id);
    EXPECT_NE(*p.packet_id, 0);
    EXPECT_TRUE(s_->on_puback(*p.packet_id, now_));
    EXPECT_FALSE(s_->on_puback(*p.packet_id, now_));  // once only
    EXPECT_EQ(s_->in_flight(), 0u);
    EXPECT_EQ(s_->queued(), 0u);
  }
}

TEST_F(session_test, packet_ids_in_flight_are_not_reused) {
  attach();
  s_->deliver(message("a"), qos::at_least_once, false, {}, now_);
  s_->deliver(message("b"), qos::at_least_once, false, {}, now_);
  auto out = sent();
  ASSERT_EQ(out.size(), 2u);
  auto first = *std::get<mqtt::publish>(out[0]).packet_id;
  auto second = *std::get<mqtt::publish>(out[1]).packet_id;
  EXPECT_NE(first, second);
  EXPECT_TRUE(s_->on_puback(first, now_));
  s_->deliver(message("c"), qos::at_least_once, false, {}, now_);
  out = sent();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(*std::get<mqtt::publish>(out[0]).packet_id, second);  // still in flight
}

TEST_F(session_test, offline_messages_queue_then_go_out_and_unacknowledged_ones_are_resent_in_order) {
  s_->deliver(message("one"), qos::at_least_once, false, {}, now_);
  s_->deliver(message("two"), qos::exactly_once, false, {}, now_);
  EXPECT_EQ(s_->queued(), 2u);
  EXPECT_EQ(s_->in_flight(), 0u);

  attach();
  s_->resume(now_);
  EXPECT_EQ(s_->queued(), 0u);
  EXPECT_EQ(s_->in_flight(), 2u);
  auto out = sent();
  ASSERT_EQ(out.size(), 2u);
  auto two_id = *std::get<mqtt::publish>(out[1]).packet_id;
  EXPECT_TRUE(s_->on_pubrec(two_id, now_));  // QoS 2: now awaiting PUBCOMP
  sent();

  s_->detach();  // the connection drops with both still unacknowledged
  attach();
  s_->resume(now_);
  out = sent();
  ASSERT_EQ(out.size(), 2u);
  auto& again = std::get<mqtt::publish>(out[0]);
  EXPECT_TRUE(again.dup);
  EXPECT_EQ(again.payload, "one");
  EXPECT_EQ(std::get<pubrel>(out[1]).packet_id, two_id);
  EXPECT_TRUE(s_->on_puback(*again.packet_id, now_));
  EXPECT_TRUE(s_->on_pubcomp(two_id, now_));
  EXPECT_EQ(s_->in_flight(), 0u);
}

TEST_F(session_test, incoming_qos2_state_survives_outgoing_flows_ending) {
  attach();
  EXPECT_TRUE(s_->begin_incoming_qos2(5));
  s_->deliver(message("m"), qos::at_least_once, false, {}, now_);
  auto out = sent();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(s_->on_puback(*std::get<mqtt::publish>(out[0]).packet_id, now_));
  EXPECT_FALSE(s_->begin_incoming_qos2(5));  // still remembered
  EXPECT_TRUE(s_->end_incoming_qos2(5));
}

TEST_F(session_test, subscriptions_are_kept_by_filter_and_share_group) {
  subscription_options qos1{1, false, false, std::nullopt};
  subscription_options qos2{2, false, false, std::nullopt};
  s_->remember({{"b/#", "", qos1}, {"a/+", "", qos1}});
  s_->remember({{"a/+", "g", qos1}});  // the same filter shared: a subscription of its own
  s_->remember({{"a/+", "", qos2}});   // subscribed again: replaces
  ASSERT_EQ(s_->subscriptions.size(), 3u);
  EXPECT_EQ(s_->subscriptions[0].filter, "a/+");
  EXPECT_EQ(s_->subscriptions[0].share_group, "");
  EXPECT_EQ(s_->subscriptions[0].options.max_qos, 2);
  EXPECT_EQ(s_->subscriptions[1].share_group, "g");
  EXPECT_EQ(s_->subscriptions[2].filter, "b/#");

  EXPECT_EQ(s_->forget({{"a/+", "h"}, {"a/+", "g"}, {"a/+", "g"}}), (std::vector<bool>{false, true, false}));
  ASSERT_EQ(s_->subscriptions.size(), 2u);
  EXPECT_EQ(s_->subscriptions[0].share_group, "");
}

TEST_F(session_test, one_packet_of_many_subscriptions_is_merged_in_one_pass) {
  subscription_options qos0{0, false, false, std::nullopt};
  subscription_options qos1{1, false, false, std::nullopt};
  s_->remember({{"m/5", "", qos0}, {"m/1", "", qos0}});
  std::vector<stored_subscription> packet;
  for (int i = 9; i >= 0; --i) packet.push_back({"m/" + std::to_string(i), "", qos0});
  packet.push_back({"m/3", "", qos1});  // the same filter twice in one packet: the last counts
  s_->remember(std::move(packet));
  ASSERT_EQ(s_->subscriptions.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(s_->subscriptions[i].filter, "m/" + std::to_string(i));
  EXPECT_EQ(s_->subscriptions[3].options.max_qos, 1);
  EXPECT_EQ(s_->subscriptions[4].options.max_qos, 0);

  std::vector<std::string> spelled;  // the keys view these
  for (int i = 0; i < 10; i += 2) spelled.push_back("m/" + std::to_string(i));
  std::vector<session::subscription_key> keys;
  for (const auto& f : spelled) keys.emplace_back(f, "");
  EXPECT_EQ(s_->forget(keys), std::vector<bool>(5, true));
  ASSERT_EQ(s_->subscriptions.size(), 5u);
  EXPECT_EQ(s_->subscriptions[0].filter, "m/1");
  EXPECT_EQ(s_->subscriptions[4].filter, "m/9");
}
