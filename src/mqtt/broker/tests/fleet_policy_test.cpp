#include "mqtt/broker/fleet_policy.hpp"

#include <gtest/gtest.h>

namespace mothership::mqtt {
namespace {

const identity device{identity::kind::device, "dev-1"};
const identity onboarding{identity::kind::provisioning, "SN-1"};
const identity user{identity::kind::user, "usr_ALICE"};
const identity anonymous{identity::kind::anonymous, ""};
const identity internal{identity::kind::internal, "jobs"};

fleet_policy policy(bool allow_anonymous = false) {
  fleet_policy_options options;
  options.allow_anonymous = allow_anonymous;
  options.verify_user = [](const credentials& c) -> std::optional<identity> {
    if (c.username == "alice" && c.password == "token-of-alice") return identity{identity::kind::user, "usr_ALICE"};
    return std::nullopt;
  };
  options.is_registered_serial = [](std::string_view serial) { return serial == "SN-1"; };
  return fleet_policy(options);
}

credentials with_certificate(std::string client_id, std::optional<std::string> named) {
  credentials c;
  c.client_id = std::move(client_id);
  c.certificate_presented = true;
  c.certificate_identity = std::move(named);
  return c;
}

TEST(fleet_policy, a_certificate_makes_the_connection_its_device_when_the_client_id_matches) {
  auto p = policy();
  auto ok = p.authenticate(with_certificate("dev-1", "dev-1"));
  ASSERT_TRUE(ok.who);
  EXPECT_EQ(ok.who->what, identity::kind::device);
  EXPECT_EQ(ok.who->name, "dev-1");
  EXPECT_EQ(p.authenticate(with_certificate("dev-2", "dev-1")).refusal, reason_code::client_identifier_not_valid);
  EXPECT_EQ(p.authenticate(with_certificate("", "dev-1")).refusal, reason_code::client_identifier_not_valid);
  EXPECT_EQ(p.authenticate(with_certificate("dev-1", std::nullopt)).refusal, reason_code::not_authorized);
}

TEST(fleet_policy, a_certificate_wins_over_a_username) {
  auto c = with_certificate("dev-1", "dev-1");
  c.username = "alice";
  c.password = "token-of-alice";
  EXPECT_EQ(policy().authenticate(c).who->what, identity::kind::device);
}

// The review's HIGH finding: a viewer connected with a device's id (or a serial) and a
// persistent session, and the device was locked out. Device ids and serials are the devices'.
TEST(fleet_policy, users_and_anonymous_clients_may_not_take_a_device_id_or_a_serial) {
  auto p = policy(true);
  for (const char* taken : {"dev_01JABCDEF", "dev_", "SN-1", "usr_BOB", "usr_BOB/x"}) {
    credentials as_user{taken, "alice", "token-of-alice"};
    EXPECT_EQ(p.authenticate(as_user).refusal, reason_code::client_identifier_not_valid) << taken;
    EXPECT_FALSE(p.authenticate(as_user).who) << taken;
    credentials as_anonymous{taken, std::nullopt, std::nullopt};
    EXPECT_EQ(p.authenticate(as_anonymous).refusal, reason_code::client_identifier_not_valid) << taken;
  }
  // Their own: any other id, or one under their user id.
  for (const char* free : {"web-1", "usr_ALICE", "usr_ALICE/dashboard", "", "SN-2"})
    EXPECT_TRUE(p.authenticate(credentials{free, "alice", "token-of-alice"}).who) << free;
  EXPECT_FALSE(p.authenticate(credentials{"usr_ALICE", std::nullopt, std::nullopt}).who);
  // Checking a serial reads the database: such connections run on the worker pool.
  EXPECT_TRUE(p.blocks(credentials{"x", "alice", "token-of-alice"}));
  EXPECT_TRUE(p.blocks(credentials{"x", std::nullopt, std::nullopt}));
}

TEST(fleet_policy, users_sign_in_with_an_access_token) {
  auto p = policy();
  credentials c{"web-1", "alice", "token-of-alice"};
  ASSERT_TRUE(p.authenticate(c).who);
  EXPECT_EQ(p.authenticate(c).who->what, identity::kind::user);
  for (credentials bad : {credentials{"w", "alice", "wrong"}, credentials{"w", "bob", "token-of-alice"},
                          credentials{"w", "alice", std::nullopt}, credentials{"w", std::nullopt, "token-of-alice"}}) {
    auto verdict = p.authenticate(bad);
    EXPECT_FALSE(verdict.who);
    EXPECT_EQ(verdict.refusal, reason_code::bad_user_name_or_password);
  }
}

TEST(fleet_policy, anonymous_only_when_allowed) {
  credentials bare{"c1"};
  EXPECT_EQ(policy(false).authenticate(bare).refusal, reason_code::not_authorized);
  EXPECT_EQ(policy(true).authenticate(bare).who->what, identity::kind::anonymous);
}

TEST(fleet_policy, a_device_stays_inside_its_own_subtree) {
  auto p = policy();
  EXPECT_TRUE(p.may_publish(device, "devices/dev-1/telemetry"));
  EXPECT_TRUE(p.may_publish(device, "devices/dev-1/jobs/j1/update"));
  for (auto topic : {"devices/dev-1", "devices/dev-2/telemetry", "devices/dev-10/telemetry", "devices/dev-1x/a",
                     "demo/x", "$provision/dev-1/hello", "$SYS/broker/uptime"})
    EXPECT_FALSE(p.may_publish(device, topic)) << topic;
  EXPECT_TRUE(p.may_subscribe(device, "devices/dev-1/#"));
  EXPECT_TRUE(p.may_subscribe(device, "devices/dev-1/jobs/+/accepted"));
  for (auto filter : {"#", "devices/#", "devices/+/telemetry", "devices/dev-1", "devices/dev-1#", "+/dev-1/#"})
    EXPECT_FALSE(p.may_subscribe(device, filter)) << filter;
}

TEST(fleet_policy, an_onboarding_device_touches_only_its_provisioning_topics) {
  auto p = policy();
  EXPECT_TRUE(p.may_publish(onboarding, "$provision/SN-1/hello"));
  EXPECT_TRUE(p.may_subscribe(onboarding, "$provision/SN-1/#"));
  EXPECT_FALSE(p.may_publish(onboarding, "$provision/SN-2/hello"));
  EXPECT_FALSE(p.may_publish(onboarding, "devices/SN-1/telemetry"));
  EXPECT_FALSE(p.may_subscribe(onboarding, "$provision/+/certificate"));
  // Only the hello: the certificate and status topics are the server's to write.
  EXPECT_FALSE(p.may_publish(onboarding, "$provision/SN-1/certificate"));
  EXPECT_FALSE(p.may_publish(onboarding, "$provision/SN-1/hello/x"));
}

fleet_policy onboarding_policy() {
  fleet_policy_options options;
  options.verify_user = [](const credentials&) -> std::optional<identity> { return std::nullopt; };
  options.verify_claim = [](const credentials& c) -> authentication {
    if (c.username == "SN-1" && c.password == "CODE-1") return {identity{identity::kind::provisioning, "SN-1"}};
    return {};
  };
  options.verify_factory_certificate = [](const credentials& c) -> authentication {
    if (c.certificate_sha256 == "f00d") return {identity{identity::kind::provisioning, "SN-9"}};
    return {std::nullopt, reason_code::not_authorized};
  };
  options.is_revoked = [](std::string_view serial) { return serial == "bad"; };
  return fleet_policy(options);
}

TEST(fleet_policy, a_device_being_onboarded_signs_in_with_serial_and_claim_code_under_its_serial) {
  auto p = onboarding_policy();
  credentials c{"SN-1", "SN-1", "CODE-1"};
  EXPECT_TRUE(p.blocks(c));  // a database read: not on the I/O thread
  auto ok = p.authenticate(c);
  ASSERT_TRUE(ok.who);
  EXPECT_EQ(ok.who->what, identity::kind::provisioning);
  EXPECT_EQ(ok.who->name, "SN-1");
  EXPECT_EQ(p.authenticate({"other-id", "SN-1", "CODE-1"}).refusal, reason_code::client_identifier_not_valid);
  EXPECT_EQ(p.authenticate({"SN-1", "SN-1", "wrong"}).refusal, reason_code::bad_user_name_or_password);
}

TEST(fleet_policy, a_factory_certificate_on_record_is_a_device_being_onboarded) {
  auto p = onboarding_policy();
  auto c = with_certificate("SN-9", std::nullopt);
  c.certificate_sha256 = "f00d";
  EXPECT_TRUE(p.blocks(c));
  auto ok = p.authenticate(c);
  ASSERT_TRUE(ok.who);
  EXPECT_EQ(ok.who->name, "SN-9");
  c.certificate_sha256 = "beef";
  EXPECT_EQ(p.authenticate(c).refusal, reason_code::not_authorized);
}

TEST(fleet_policy, a_revoked_certificate_is_refused) {
  auto p = onboarding_policy();
  auto c = with_certificate("dev-1", "dev-1");
  c.certificate_serial = "bad";
  EXPECT_FALSE(p.blocks(c));
  EXPECT_EQ(p.authenticate(c).refusal, reason_code::not_authorized);
  c.certificate_serial = "good";
  EXPECT_TRUE(p.authenticate(c).who);
}

TEST(fleet_policy, identities_with_topic_syntax_in_their_name_get_nothing) {
  auto p = policy();
  for (std::string name : {"+", "#", "a/b", ""}) {
    identity odd{identity::kind::device, name};
    EXPECT_FALSE(p.may_publish(odd, "devices/" + name + "/x")) << name;
    EXPECT_FALSE(p.may_subscribe(odd, "devices/" + name + "/#")) << name;
  }
}

TEST(fleet_policy, users_watch_device_readouts_but_never_write_to_devices) {
  auto p = policy();
  EXPECT_TRUE(p.may_subscribe(user, "devices/#"));
  EXPECT_TRUE(p.may_receive(user, "devices/dev-1/telemetry"));
  EXPECT_TRUE(p.may_receive(user, "devices/dev-1/state"));
  EXPECT_TRUE(p.may_receive(user, "devices/dev-1/telemetry/battery"));
  EXPECT_FALSE(p.may_receive(user, "devices/dev-1/jobs/notify-next"));
  EXPECT_FALSE(p.may_receive(user, "devices/dev-1/telemetryx"));
  EXPECT_FALSE(p.may_receive(user, "$provision/SN-1/certificate"));
  EXPECT_FALSE(p.may_subscribe(user, "$provision/#"));
  EXPECT_FALSE(p.may_publish(user, "devices/dev-1/jobs/j1/update"));
  EXPECT_FALSE(p.may_publish(user, "$SYS/broker/uptime"));
  EXPECT_TRUE(p.may_publish(user, "chat/room-1"));
  EXPECT_TRUE(p.may_receive(user, "$SYS/broker/uptime"));
}

TEST(fleet_policy, anonymous_clients_stay_out_of_the_device_namespaces) {
  auto p = policy(true);
  EXPECT_TRUE(p.may_publish(anonymous, "demo/hello"));
  EXPECT_TRUE(p.may_subscribe(anonymous, "#"));
  EXPECT_FALSE(p.may_subscribe(anonymous, "devices/#"));
  EXPECT_FALSE(p.may_subscribe(anonymous, "$provision/#"));
  EXPECT_FALSE(p.may_receive(anonymous, "devices/dev-1/telemetry"));
  EXPECT_FALSE(p.may_publish(anonymous, "devices/dev-1/telemetry"));
  EXPECT_FALSE(p.may_publish(anonymous, "$SYS/broker/uptime"));
  EXPECT_TRUE(p.may_receive(anonymous, "demo/hello"));
}

TEST(fleet_policy, only_the_server_says_alerts_and_only_people_hear_them) {
  auto p = policy(true);
  EXPECT_TRUE(p.may_publish(internal, "$alerts/rul_1/dev-1"));
  EXPECT_FALSE(p.may_publish(user, "$alerts/rul_1/dev-1"));
  EXPECT_FALSE(p.may_publish(anonymous, "$alerts/rul_1/dev-1"));
  EXPECT_FALSE(p.may_publish(device, "$alerts/rul_1/dev-1"));
  EXPECT_TRUE(p.may_subscribe(user, "$alerts/#"));
  EXPECT_TRUE(p.may_receive(user, "$alerts/rul_1/dev-1"));
  EXPECT_FALSE(p.may_receive(anonymous, "$alerts/rul_1/dev-1"));
  EXPECT_FALSE(p.may_subscribe(device, "$alerts/#"));
}

TEST(fleet_policy, server_modules_may_do_anything) {
  auto p = policy();
  EXPECT_TRUE(p.may_publish(internal, "devices/dev-1/jobs/notify-next"));
  EXPECT_TRUE(p.may_subscribe(internal, "$provision/+/hello"));
  EXPECT_TRUE(p.may_receive(internal, "devices/dev-1/telemetry"));
}

}  // namespace
}  // namespace mothership::mqtt
