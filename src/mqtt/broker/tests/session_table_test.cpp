// The broker's session table: sessions found by client id and by subscriber id, slots reused
// without an old subscriber id finding the new session.
#include "mqtt/broker/session_table.hpp"

#include <gtest/gtest.h>

using namespace mothership::mqtt;

namespace {

identity user(std::string name) {
  return identity{identity::kind::user, std::move(name)};
}

}  // namespace

TEST(session_table, finds_sessions_by_client_id_and_by_subscriber_id) {
  session_limits limits;
  session_table table;
  auto a = table.add("a", user("u"), limits);
  auto b = table.add("b", user("u"), limits);
  EXPECT_NE(a->id(), b->id());
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(table.find("a"), a);
  EXPECT_EQ(table.find(std::string_view("b")), b);
  EXPECT_EQ(table.find("c"), nullptr);
  EXPECT_EQ(table.find(a->id()), a.get());
  EXPECT_EQ(table.find(b->id()), b.get());
  EXPECT_EQ(table.find(subscriber_id{12345}), nullptr);
}

TEST(session_table, a_reused_slot_does_not_answer_to_the_old_id) {
  session_limits limits;
  session_table table;
  auto a = table.add("a", user("u"), limits);
  const subscriber_id old_id = a->id();
  table.remove(*a);
  EXPECT_EQ(table.find("a"), nullptr);
  EXPECT_EQ(table.find(old_id), nullptr);
  EXPECT_EQ(table.size(), 0u);

  auto again = table.add("a", user("u"), limits);  // takes the freed slot
  EXPECT_NE(again->id(), old_id);
  EXPECT_EQ(static_cast<std::uint32_t>(again->id()), static_cast<std::uint32_t>(old_id));
  EXPECT_EQ(table.find(old_id), nullptr);
  EXPECT_EQ(table.find(again->id()), again.get());
}

TEST(session_table, removing_a_session_not_in_the_table_changes_nothing) {
  session_limits limits;
  session_table table;
  auto a = table.add("a", user("u"), limits);
  session stranger("a", a->id(), user("u"), limits);  // same client id and id, another object
  table.remove(stranger);
  EXPECT_EQ(table.find("a"), a);
  EXPECT_EQ(table.size(), 1u);
}

TEST(session_table, visits_every_session) {
  session_limits limits;
  session_table table;
  auto a = table.add("a", user("u"), limits);
  auto b = table.add("b", user("u"), limits);
  auto c = table.add("c", user("u"), limits);
  table.remove(*b);
  std::vector<std::string> seen;
  table.for_each([&](const session& s) { seen.push_back(s.client_id()); });
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "c"}));
}
