#include "reports/gzip_sink.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>

using namespace mothership::reports;

namespace {

struct recording_sink : byte_sink {
  void write(std::string_view bytes) override {
    text.append(bytes);
    largest_write = std::max(largest_write, bytes.size());
  }
  void finish() override { ++finishes; }

  std::string text;
  std::size_t largest_write = 0;
  int finishes = 0;
};

std::string gunzip(const std::string& compressed) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);  // gzip only, not zlib or raw deflate
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char block[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(block);
    stream.avail_out = sizeof block;
    rc = inflate(&stream, Z_NO_FLUSH);
    out.append(block, sizeof block - stream.avail_out);
  }
  EXPECT_EQ(rc, Z_STREAM_END);
  EXPECT_EQ(stream.avail_in, 0u);  // nothing after the trailer
  inflateEnd(&stream);
  return out;
}

// Report-like text that compresses but not to nothing: rows with random numbers.
std::string sample_text(std::size_t size) {
  std::mt19937_64 random(42);
  std::string text;
  while (text.size() < size) {
    text += "dev_" + std::to_string(random() % 100000) + ",online," + std::to_string(random()) + "\r\n";
  }
  return text;
}

}  // namespace

TEST(gzip_sink, many_megabytes_in_small_pieces_decompress_to_the_same_bytes) {
  std::string input = sample_text(6 * 1024 * 1024);
  recording_sink compressed;
  gzip_sink gzip(compressed);
  std::mt19937 random(7);
  for (std::size_t at = 0; at < input.size();) {
    std::size_t n = std::min<std::size_t>(random() % 200 + 1, input.size() - at);
    gzip.write(std::string_view(input).substr(at, n));
    at += n;
  }
  gzip.finish();

  EXPECT_EQ(compressed.finishes, 1);
  ASSERT_GE(compressed.text.size(), 2u);
  EXPECT_EQ(compressed.text.substr(0, 2), "\x1f\x8b");  // the gzip magic
  EXPECT_LT(compressed.text.size(), input.size() / 2);
  EXPECT_LE(compressed.largest_write, gzip_sink::block_size);
  EXPECT_EQ(gunzip(compressed.text), input);
}

TEST(gzip_sink, one_large_write_decompresses_too) {
  std::string input = sample_text(3 * 1024 * 1024);
  recording_sink compressed;
  gzip_sink gzip(compressed, 1);
  gzip.write(input);
  gzip.finish();
  EXPECT_LE(compressed.largest_write, gzip_sink::block_size);
  EXPECT_EQ(gunzip(compressed.text), input);
}

TEST(gzip_sink, nothing_written_is_a_valid_empty_gzip) {
  recording_sink compressed;
  gzip_sink gzip(compressed);
  gzip.finish();
  EXPECT_EQ(gunzip(compressed.text), "");
  EXPECT_EQ(compressed.finishes, 1);
}

TEST(gzip_sink, finish_twice_finishes_once_and_writing_after_is_refused) {
  recording_sink compressed;
  gzip_sink gzip(compressed);
  gzip.write("abc");
  gzip.finish();
  gzip.finish();
  EXPECT_EQ(compressed.finishes, 1);
  EXPECT_THROW(gzip.write("more"), std::logic_error);
  EXPECT_EQ(gunzip(compressed.text), "abc");
}
