#include "server/user_connections.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using mothership::server::user_connections;
using opened = std::vector<std::pair<std::string, std::string>>;

TEST(user_connections, a_token_opens_the_connections_the_broker_accepted_under_their_ids) {
  user_connections t;
  t.note("web-1", "usr_A", "jti-1", 2000);
  t.note("", "usr_A", "jti-1", 2000);         // the broker will assign this one's id
  EXPECT_TRUE(t.opened_by("jti-1").empty());  // none accepted yet
  t.connected("web-1", "usr_A");
  t.connected("ms-auto-7", "usr_A");
  auto got = t.opened_by("jti-1");
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (opened{{"ms-auto-7", "usr_A"}, {"web-1", "usr_A"}}));
}

TEST(user_connections, another_users_refused_attempt_at_an_id_leaves_the_holders_entry) {
  user_connections t;
  t.note("shared", "usr_A", "jti-A", 2000);
  t.connected("shared", "usr_A");
  t.note("shared", "usr_B", "jti-B", 2000);  // the broker refuses B: no connected()
  EXPECT_EQ(t.opened_by("jti-A"), (opened{{"shared", "usr_A"}}));
  EXPECT_TRUE(t.opened_by("jti-B").empty());
}

TEST(user_connections, entries_go_when_their_token_expires) {
  user_connections t;
  t.note("a", "usr_A", "old", 1000);
  t.connected("a", "usr_A");
  t.note("b", "usr_A", "new", 5000);
  t.connected("b", "usr_A");
  t.forget_expired(1000);
  EXPECT_TRUE(t.opened_by("old").empty());
  EXPECT_EQ(t.size(), 1u);
}
