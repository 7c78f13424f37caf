#include "mqtt/transport/read_buffer.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace mothership::mqtt;

namespace {

void append(read_buffer& in, const std::string& bytes) {
  in.make_room(bytes.size(), 4);
  auto room = in.free_space();
  ASSERT_GE(room.size(), bytes.size());
  std::copy(bytes.begin(), bytes.end(), room.begin());
  in.filled(bytes.size());
}

std::string unread(const read_buffer& in) {
  auto bytes = in.unread();
  return {bytes.begin(), bytes.end()};
}

}  // namespace

TEST(read_buffer, starts_empty_and_holds_no_memory) {
  read_buffer in;
  EXPECT_TRUE(in.empty());
  EXPECT_TRUE(in.unread().empty());
  EXPECT_TRUE(in.free_space().empty());
}

TEST(read_buffer, make_room_gives_at_least_the_chunk) {
  read_buffer in;
  in.make_room(1, 64);
  EXPECT_GE(in.free_space().size(), 64u);
  in.make_room(100, 64);
  EXPECT_GE(in.free_space().size(), 100u);
}

TEST(read_buffer, growing_keeps_unread_bytes_in_order) {
  read_buffer in;
  append(in, "abcdef");
  in.consume(2);
  append(in, std::string(1000, 'x'));
  EXPECT_EQ(unread(in), "cdef" + std::string(1000, 'x'));
}

TEST(read_buffer, consuming_everything_rewinds) {
  read_buffer in;
  append(in, "abcd");
  in.consume(4);
  EXPECT_TRUE(in.empty());
  append(in, "ef");
  EXPECT_EQ(unread(in), "ef");
}

TEST(read_buffer, release_only_when_nothing_is_unread) {
  read_buffer in;
  append(in, "abc");
  EXPECT_FALSE(in.release());
  EXPECT_EQ(unread(in), "abc");
  in.consume(3);
  EXPECT_TRUE(in.release());
  EXPECT_TRUE(in.free_space().empty());
  append(in, "again");  // usable after release
  EXPECT_EQ(unread(in), "again");
}
