#include "blob/download_links.hpp"

#include <gtest/gtest.h>

using namespace mothership::blob;

namespace {

std::array<unsigned char, 32> key(unsigned char fill) {
  std::array<unsigned char, 32> k{};
  k.fill(fill);
  return k;
}

}  // namespace

TEST(download_links, a_signed_link_verifies_until_it_expires) {
  download_links links(key(1));
  auto token = links.sign({"blb_01JAAAAAAAAAAAAAAAAAAAAAAA", 1000, "dev_42"});
  auto link = links.verify(token, 999);
  ASSERT_TRUE(link) << link.error().message();
  EXPECT_EQ(link->blob_id, "blb_01JAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(link->expires_s, 1000);
  EXPECT_EQ(link->audience, "dev_42");
  EXPECT_EQ(links.verify(token, 1000).error(), errc::link_expired);
}

TEST(download_links, changing_any_byte_breaks_the_link) {
  download_links links(key(1));
  auto token = links.sign({"blb_01JAAAAAAAAAAAAAAAAAAAAAAA", 5000, "dev_42"});
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string altered = token;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    if (altered == token) continue;
    auto r = links.verify(altered, 0);
    EXPECT_FALSE(r) << "byte " << i;
  }
}

TEST(download_links, another_servers_key_or_garbage_is_malformed) {
  download_links ours(key(1)), theirs(key(2));
  auto token = theirs.sign({"blb_01JAAAAAAAAAAAAAAAAAAAAAAA", 5000, "dev_42"});
  EXPECT_EQ(ours.verify(token, 0).error(), errc::link_malformed);
  for (std::string_view bad :
       std::initializer_list<std::string_view>{"", ".", "abc", "abc.def", "....", std::string_view("x\0y", 3)})
    EXPECT_EQ(ours.verify(bad, 0).error(), errc::link_malformed) << bad;
  EXPECT_EQ(ours.verify(std::string(5000, 'a'), 0).error(), errc::link_malformed);
}
