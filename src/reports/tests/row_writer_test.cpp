#include "reports/row_writer.hpp"

#include <gtest/gtest.h>

#include "reports/gzip_sink.hpp"
#include "reports/output_buffer.hpp"

using namespace mothership::reports;

namespace {

// Keeps nothing: counts what passes and remembers the largest single write.
struct counting_sink : byte_sink {
  void write(std::string_view bytes) override {
    bytes_ += bytes.size();
    largest_write = std::max(largest_write, bytes.size());
    if (!bytes.empty()) last_byte = bytes.back();
  }
  void finish() override { ++finishes; }

  std::uint64_t bytes_ = 0;
  std::size_t largest_write = 0;
  char last_byte = 0;
  int finishes = 0;
};

const std::vector<std::string> columns = {"id", "device", "state", "temperature", "online", "note"};

void fill_row(std::vector<cell>& row, std::int64_t i) {
  row[0] = i;
  row[1] = "dev_" + std::to_string(i % 10000);
  row[2] = std::string(i % 3 == 0 ? "offline" : "online");
  row[3] = 20.0 + static_cast<double>(i % 1000) / 100.0;
  row[4] = i % 2 == 0;
  row[5] = i % 5 == 0 ? cell{} : cell{std::string("ok, \"fine\"")};
}

std::string write_two_rows(format f) {
  string_sink sink;
  auto writer = make_writer(f, sink);
  writer->begin({"a"});
  writer->row({std::int64_t{1}});
  writer->row({std::string("x")});
  writer->end();
  return sink.text();
}

class a_million_rows : public testing::TestWithParam<format> {};

}  // namespace

TEST(row_writer, makes_the_writer_of_each_format) {
  EXPECT_EQ(write_two_rows(format::csv), "a\r\n1\r\nx\r\n");
  EXPECT_EQ(write_two_rows(format::json), "[\n{\"a\":1},\n{\"a\":\"x\"}\n]\n");
  EXPECT_EQ(write_two_rows(format::ndjson), "{\"a\":1}\n{\"a\":\"x\"}\n");
}

TEST_P(a_million_rows, are_written_in_bounded_memory) {
  counting_sink sink;
  auto writer = make_writer(GetParam(), sink);
  writer->begin(columns);
  std::vector<cell> row(columns.size());
  std::size_t most_buffered = 0;
  for (std::int64_t i = 0; i < 1'000'000; ++i) {
    fill_row(row, i);
    writer->row(row);
    most_buffered = std::max(most_buffered, writer->buffered());
  }
  writer->end();

  EXPECT_EQ(writer->rows(), 1'000'000u);
  EXPECT_EQ(sink.finishes, 1);
  EXPECT_GT(sink.bytes_, 40'000'000u);                        // ~40-90 MB went through ...
  EXPECT_LE(most_buffered, output_buffer::default_capacity);  // ... never more than 64 KiB held
  EXPECT_LE(sink.largest_write, output_buffer::default_capacity);
  EXPECT_EQ(sink.last_byte, '\n');
}

INSTANTIATE_TEST_SUITE_P(each_format, a_million_rows, testing::Values(format::csv, format::json, format::ndjson),
                         [](const auto& info) { return std::string(name(info.param)); });

TEST(row_writer, a_million_rows_through_gzip_stay_in_bounded_writes) {
  counting_sink sink;
  gzip_sink gzip(sink, 1);
  auto writer = make_writer(format::csv, gzip);
  writer->begin(columns);
  std::vector<cell> row(columns.size());
  for (std::int64_t i = 0; i < 1'000'000; ++i) {
    fill_row(row, i);
    writer->row(row);
  }
  writer->end();
  EXPECT_EQ(sink.finishes, 1);
  EXPECT_GT(sink.bytes_, 0u);
  EXPECT_LE(sink.largest_write, gzip_sink::block_size);
}
