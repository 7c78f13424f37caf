#include "mqtt/transport/local_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "mqtt/broker/fleet_policy.hpp"

using namespace mothership::mqtt;
namespace mqtt = mothership::mqtt;

namespace {

class local_client_test : public ::testing::Test {
 protected:
  local_client_test() : policy_(fleet_policy_options{.allow_anonymous = true}), broker_({}, policy_) {}

  std::shared_ptr<local_client> client(std::string id, identity who, std::vector<std::string>* inbox = nullptr,
                                       std::optional<reason_code>* closed = nullptr) {
    return local_client::connect(
        broker_, io_.get_executor(), std::move(id), std::move(who),
        [inbox](const mqtt::publish& p) {
          if (inbox) inbox->push_back(p.topic + "=" + p.payload);
        },
        [closed](reason_code r) {
          if (closed) *closed = r;
        });
  }
  void run() {
    io_.restart();
    io_.run();
  }

  fleet_policy policy_;
  broker broker_;
  boost::asio::io_context io_;
  const identity internal{identity::kind::internal, "telemetry"};
  const identity anonymous{identity::kind::anonymous, ""};
};

}  // namespace

TEST_F(local_client_test, publishes_and_receives_like_a_network_client) {
  std::vector<std::string> inbox;
  auto sub = client("svc-sub", internal, &inbox);
  ASSERT_TRUE(sub->connected());
  EXPECT_EQ(sub->subscribe({"devices/+/state"}, qos::at_least_once),
            (std::vector<reason_code>{reason_code::granted_qos_1}));
  auto pub = client("svc-pub", internal);
  EXPECT_EQ(pub->publish("devices/d1/state", "on", qos::at_least_once), reason_code::success);
  EXPECT_EQ(pub->publish("devices/d2/state", "off", qos::exactly_once), reason_code::success);
  run();
  EXPECT_EQ(inbox, (std::vector<std::string>{"devices/d1/state=on", "devices/d2/state=off"}));
  EXPECT_EQ(broker_.stats().messages_out[1].load() + broker_.stats().messages_out[2].load(), 2u);
}

TEST_F(local_client_test, authorization_applies_to_the_identity) {
  auto outsider = client("outsider", anonymous);
  EXPECT_EQ(outsider->publish("devices/d1/state", "x", qos::at_least_once), reason_code::not_authorized);
  EXPECT_EQ(outsider->subscribe({"devices/#"}, qos::at_most_once),
            (std::vector<reason_code>{reason_code::not_authorized}));
}

TEST_F(local_client_test, retained_messages_arrive_after_subscribing) {
  auto pub = client("pub", internal);
  pub->publish("config/x", "v1", qos::at_least_once, true);
  std::vector<std::string> inbox;
  auto sub = client("sub", internal, &inbox);
  sub->subscribe({"config/#"}, qos::at_least_once);
  run();
  EXPECT_EQ(inbox, (std::vector<std::string>{"config/x=v1"}));
}

TEST_F(local_client_test, disconnect_identity_closes_it_at_once) {
  std::optional<reason_code> closed;
  auto c = client("svc", internal, nullptr, &closed);
  EXPECT_EQ(broker_.disconnect_identity(internal, reason_code::administrative_action), 1u);
  run();
  ASSERT_TRUE(closed);
  EXPECT_EQ(*closed, reason_code::administrative_action);
  EXPECT_FALSE(c->connected());
  EXPECT_EQ(broker_.connected_count(), 0u);
}
