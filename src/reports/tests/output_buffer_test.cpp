#include "reports/output_buffer.hpp"

#include <gtest/gtest.h>

using namespace mothership::reports;

namespace {

class recording_sink : public byte_sink {
 public:
  void write(std::string_view bytes) override { writes.emplace_back(bytes); }
  void finish() override {}
  std::vector<std::string> writes;
};

}  // namespace

TEST(output_buffer, holds_bytes_until_full_or_flushed) {
  recording_sink sink;
  output_buffer buffer(sink, 100);
  buffer.append("hello");
  buffer.append(' ');
  EXPECT_TRUE(sink.writes.empty());
  EXPECT_EQ(buffer.size(), 6u);
  buffer.flush();
  EXPECT_EQ(sink.writes, std::vector<std::string>{"hello "});
  EXPECT_EQ(buffer.size(), 0u);
  buffer.flush();
  EXPECT_EQ(sink.writes.size(), 1u);  // nothing pending, nothing written
}

TEST(output_buffer, a_piece_longer_than_the_buffer_goes_out_in_full_blocks) {
  recording_sink sink;
  output_buffer buffer(sink, 100);
  buffer.append("ab");
  buffer.append(std::string(250, 'x'));
  EXPECT_LE(buffer.size(), 100u);
  buffer.flush();
  std::string all;
  for (const auto& w : sink.writes) {
    EXPECT_LE(w.size(), 100u);
    all += w;
  }
  EXPECT_EQ(all, "ab" + std::string(250, 'x'));
  EXPECT_EQ(sink.writes.size(), 3u);
}

TEST(output_buffer, a_number_that_does_not_fit_flushes_first_and_stays_whole) {
  recording_sink sink;
  output_buffer buffer(sink, 40);
  buffer.append(std::string(30, 'x'));
  buffer.append_number(-2.2250738585072014e-308);
  EXPECT_EQ(sink.writes, std::vector<std::string>{std::string(30, 'x')});
  buffer.append(',');
  buffer.append_number(std::int64_t{-9223372036854775807 - 1});
  buffer.flush();
  std::string all;
  for (const auto& w : sink.writes) all += w;
  EXPECT_EQ(all, std::string(30, 'x') + "-2.2250738585072014e-308,-9223372036854775808");
}
