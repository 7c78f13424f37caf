#include "reports/ndjson_writer.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <sstream>

using namespace mothership::reports;

TEST(ndjson_writer, no_rows_is_no_bytes) {
  string_sink sink;
  ndjson_writer writer(sink);
  writer.begin({"id"});
  writer.end();
  EXPECT_EQ(sink.text(), "");
  EXPECT_TRUE(sink.finished());
}

TEST(ndjson_writer, one_object_a_line_each_ended_by_a_newline) {
  string_sink sink;
  ndjson_writer writer(sink);
  writer.begin({"id", "name"});
  writer.row({std::int64_t{1}, std::string("a")});
  writer.row({std::int64_t{2}, cell{}});
  writer.end();
  EXPECT_EQ(sink.text(), "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":null}\n");
  EXPECT_EQ(writer.rows(), 2u);
}

TEST(ndjson_writer, each_line_parses_alone_even_with_newlines_in_values) {
  string_sink sink;
  ndjson_writer writer(sink);
  writer.begin({"id", "text"});
  for (std::int64_t i = 0; i < 1000; ++i) writer.row({i, "line\n" + std::to_string(i) + "\r\n\u2028"});
  writer.end();

  ASSERT_FALSE(sink.text().empty());
  EXPECT_EQ(sink.text().back(), '\n');
  std::istringstream lines(sink.text());
  std::string line;
  std::int64_t i = 0;
  while (std::getline(lines, line)) {
    auto object = boost::json::parse(line).as_object();
    EXPECT_EQ(object.at("id").as_int64(), i);
    EXPECT_EQ(object.at("text").as_string(), "line\n" + std::to_string(i) + "\r\n\u2028");
    ++i;
  }
  EXPECT_EQ(i, 1000);
}
