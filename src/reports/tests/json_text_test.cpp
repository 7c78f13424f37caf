#include "reports/json_text.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <limits>

using namespace mothership::reports;

namespace {

std::string json(const cell& value) {
  string_sink sink;
  output_buffer buffer(sink);
  append_json_value(buffer, value);
  buffer.flush();
  return sink.text();
}

}  // namespace

TEST(json_text, escapes_quotes_backslashes_and_control_characters) {
  EXPECT_EQ(json(std::string("say \"hi\" \\o/")), R"("say \"hi\" \\o/")");
  EXPECT_EQ(json(std::string("a\nb\rc\td\be\ff")), R"("a\nb\rc\td\be\ff")");
  EXPECT_EQ(json(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(json(std::string("\0x", 2)), R"("\u0000x")");
  EXPECT_EQ(json(std::string("\x7f/<")), "\"\x7f/<\"");  // valid in JSON as they are
}

TEST(json_text, every_byte_value_round_trips_through_a_parser) {
  std::string all;
  for (int c = 1; c < 0x80; ++c) all += static_cast<char>(c);
  all += "é€😀";
  EXPECT_EQ(boost::json::parse(json(all)).as_string(), all);
}

TEST(json_text, replaces_invalid_utf8) {
  EXPECT_EQ(json(std::string("a\xFF"
                             "b\xE2\x82")),
            "\"a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\"");
  EXPECT_EQ(json(std::string("Zürich")), "\"Zürich\"");
}

TEST(json_text, writes_numbers_bools_and_null) {
  EXPECT_EQ(json(std::numeric_limits<std::int64_t>::max()), "9223372036854775807");
  EXPECT_EQ(json(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(json(0.1), "0.1");
  EXPECT_EQ(json(-2.5e-10), "-2.5e-10");
  EXPECT_EQ(json(true), "true");
  EXPECT_EQ(json(false), "false");
  EXPECT_EQ(json(cell{}), "null");
}

TEST(json_text, nan_and_infinities_are_null) {
  EXPECT_EQ(json(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(json(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(json(-std::numeric_limits<double>::infinity()), "null");
}

TEST(json_text, an_object_has_one_escaped_key_per_cell) {
  json_object_encoder encoder({"id", "a \"b\""});
  string_sink sink;
  output_buffer buffer(sink);
  encoder.append(buffer, {std::int64_t{1}, std::string("x")});
  buffer.flush();
  EXPECT_EQ(sink.text(), R"({"id":1,"a \"b\"":"x"})");
  EXPECT_THROW(encoder.append(buffer, {std::int64_t{1}}), std::invalid_argument);
}

TEST(json_text, an_object_of_no_columns_is_empty) {
  json_object_encoder encoder({});
  string_sink sink;
  output_buffer buffer(sink);
  encoder.append(buffer, {});
  buffer.flush();
  EXPECT_EQ(sink.text(), "{}");
}
