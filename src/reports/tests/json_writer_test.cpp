#include "reports/json_writer.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <limits>

using namespace mothership::reports;

namespace {

std::string write_json(const std::vector<std::string>& columns, const std::vector<std::vector<cell>>& rows) {
  string_sink sink;
  json_writer writer(sink);
  writer.begin(columns);
  for (const auto& r : rows) writer.row(r);
  writer.end();
  EXPECT_TRUE(sink.finished());
  EXPECT_EQ(writer.rows(), rows.size());
  return sink.text();
}

}  // namespace

TEST(json_writer, no_rows_is_an_empty_array) {
  std::string text = write_json({"id"}, {});
  EXPECT_EQ(text, "[]\n");
  EXPECT_EQ(boost::json::parse(text), boost::json::array());
}

TEST(json_writer, one_row_is_an_array_of_one_object) {
  std::string text =
      write_json({"id", "name", "ok", "t", "gone"}, {{std::int64_t{7}, std::string("dev \"7\""), true, 21.5, cell{}}});
  EXPECT_EQ(text, "[\n{\"id\":7,\"name\":\"dev \\\"7\\\"\",\"ok\":true,\"t\":21.5,\"gone\":null}\n]\n");
  EXPECT_EQ(boost::json::parse(text),
            boost::json::parse(R"([{"id":7,"name":"dev \"7\"","ok":true,"t":21.5,"gone":null}])"));
}

TEST(json_writer, many_rows_parse_back_to_what_was_written) {
  auto name_of = [](std::int64_t i) { return "device\t" + std::to_string(i) + "\n\"é\""; };
  auto load_of = [](std::int64_t i) { return static_cast<double>(i) / 3.0 + 0.001; };
  std::vector<std::vector<cell>> rows;
  for (std::int64_t i = 0; i < 5000; ++i) rows.push_back({i, name_of(i), load_of(i), i % 2 == 0, cell{}});
  std::string text = write_json({"id", "name", "load", "even", "note"}, rows);
  EXPECT_GT(text.size(), 64u * 1024);  // so the rows went out in several buffers

  auto parsed = boost::json::parse(text).as_array();
  ASSERT_EQ(parsed.size(), rows.size());
  for (std::int64_t i = 0; i < 5000; ++i) {
    auto& object = parsed[i].as_object();
    EXPECT_EQ(object.size(), 5u);
    EXPECT_EQ(object.at("id").as_int64(), i);
    EXPECT_EQ(object.at("name").as_string(), name_of(i));
    // Boost 1.81's parser may miss the nearest double by an ulp; the text itself is exact.
    EXPECT_DOUBLE_EQ(object.at("load").as_double(), load_of(i));
    EXPECT_EQ(object.at("even").as_bool(), i % 2 == 0);
    EXPECT_TRUE(object.at("note").is_null());
  }
}

TEST(json_writer, int64_extremes_are_exact_and_nan_is_null) {
  std::string text = write_json({"max", "min", "nan", "inf"},
                                {{std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min(),
                                  std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}});
  auto row = boost::json::parse(text).as_array().at(0).as_object();
  EXPECT_EQ(row.at("max").as_int64(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(row.at("min").as_int64(), std::numeric_limits<std::int64_t>::min());
  EXPECT_TRUE(row.at("nan").is_null());
  EXPECT_TRUE(row.at("inf").is_null());
}

TEST(json_writer, invalid_utf8_still_parses) {
  std::string text = write_json({"bad\xFF"}, {{std::string("\xC3(\xED\xA0\x80")}});
  auto row = boost::json::parse(text).as_array().at(0).as_object();
  EXPECT_EQ(row.at("bad\xEF\xBF\xBD").as_string(), "\xEF\xBF\xBD(\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(json_writer, a_row_before_begin_or_of_the_wrong_width_is_refused) {
  string_sink sink;
  json_writer writer(sink);
  EXPECT_THROW(writer.row({}), std::logic_error);
  writer.begin({"a"});
  EXPECT_THROW(writer.row({std::int64_t{1}, std::int64_t{2}}), std::invalid_argument);
}
