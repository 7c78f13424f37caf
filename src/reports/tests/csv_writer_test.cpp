#include "reports/csv_writer.hpp"

#include <gtest/gtest.h>

#include <limits>

using namespace mothership::reports;

namespace {

std::string write_csv(const std::vector<std::string>& columns, const std::vector<std::vector<cell>>& rows,
                      csv_options options = {}) {
  string_sink sink;
  csv_writer writer(sink, options);
  writer.begin(columns);
  for (const auto& r : rows) writer.row(r);
  writer.end();
  EXPECT_TRUE(sink.finished());
  return sink.text();
}

// The one field of a one-column report, as written.
std::string field(cell value) {
  std::string text = write_csv({"x"}, {{std::move(value)}});
  return text.substr(3, text.size() - 5);  // past "x\r\n", before the final "\r\n"
}

}  // namespace

TEST(csv_writer, writes_a_header_row_and_crlf_records_without_a_byte_order_mark) {
  EXPECT_EQ(write_csv({"id", "name"}, {{std::int64_t{1}, std::string("a")}, {std::int64_t{2}, std::string("b")}}),
            "id,name\r\n1,a\r\n2,b\r\n");
}

TEST(csv_writer, no_rows_is_the_header_alone) {
  EXPECT_EQ(write_csv({"id", "name"}, {}), "id,name\r\n");
}

TEST(csv_writer, writes_a_byte_order_mark_when_asked) {
  EXPECT_EQ(write_csv({"id"}, {}, {.byte_order_mark = true}), "\xEF\xBB\xBFid\r\n");
}

TEST(csv_writer, quotes_fields_with_a_comma_quote_cr_or_lf_and_doubles_quotes) {
  EXPECT_EQ(field(std::string("a,b")), "\"a,b\"");
  EXPECT_EQ(field(std::string("say \"hi\"")), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(field(std::string("line\r\nbreak")), "\"line\r\nbreak\"");
  EXPECT_EQ(field(std::string("a\nb")), "\"a\nb\"");
  EXPECT_EQ(field(std::string("a\rb")), "\"a\rb\"");
  EXPECT_EQ(field(std::string("plain text")), "plain text");
}

TEST(csv_writer, quotes_fields_with_leading_or_trailing_blanks) {
  EXPECT_EQ(field(std::string(" lead")), "\" lead\"");
  EXPECT_EQ(field(std::string("trail ")), "\"trail \"");
  EXPECT_EQ(field(std::string("trail\t")), "\"trail\t\"");
}

TEST(csv_writer, null_is_an_empty_field_and_the_empty_string_is_quoted) {
  EXPECT_EQ(write_csv({"a", "b", "c"}, {{cell{}, std::string(), cell{}}}), "a,b,c\r\n,\"\",\r\n");
}

TEST(csv_writer, writes_numbers_and_bools) {
  EXPECT_EQ(field(std::int64_t{-42}), "-42");
  EXPECT_EQ(field(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(field(0.1), "0.1");
  EXPECT_EQ(field(-3.5), "-3.5");
  EXPECT_EQ(field(1e300), "1e+300");
  EXPECT_EQ(field(true), "true");
  EXPECT_EQ(field(false), "false");
}

TEST(csv_writer, nan_and_infinities_are_empty_fields) {
  EXPECT_EQ(field(std::numeric_limits<double>::quiet_NaN()), "");
  EXPECT_EQ(field(std::numeric_limits<double>::infinity()), "");
  EXPECT_EQ(field(-std::numeric_limits<double>::infinity()), "");
}

TEST(csv_writer, text_that_would_run_as_a_formula_gets_a_leading_quote) {
  EXPECT_EQ(field(std::string("=1+2")), "'=1+2");
  EXPECT_EQ(field(std::string("+1")), "'+1");
  EXPECT_EQ(field(std::string("-1")), "'-1");
  EXPECT_EQ(field(std::string("@SUM(A1)")), "'@SUM(A1)");
  EXPECT_EQ(field(std::string("\tx")), "'\tx");
  EXPECT_EQ(field(std::string("\rx")), "\"'\rx\"");  // the CR also needs quotes
  EXPECT_EQ(field(std::string("=HYPERLINK(\"http://x\",\"y\")")), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(field(std::string("a=b")), "a=b");  // only the first character counts
}

TEST(csv_writer, numbers_are_never_prefixed) {
  EXPECT_EQ(field(-3.5), "-3.5");
  EXPECT_EQ(field(std::int64_t{-7}), "-7");
}

TEST(csv_writer, the_header_is_protected_like_any_text) {
  EXPECT_EQ(write_csv({"=cmd", "a,b"}, {}), "'=cmd,\"a,b\"\r\n");
}

TEST(csv_writer, keeps_valid_utf8_and_replaces_invalid_bytes) {
  EXPECT_EQ(field(std::string("Zürich €")), "Zürich €");
  EXPECT_EQ(field(std::string("a\xFF"
                              "b")),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(field(std::string("\xC3")), "\xEF\xBF\xBD");                  // cut short at the end
  EXPECT_EQ(field(std::string("\xC0\xAF")), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
}

TEST(csv_writer, a_row_with_the_wrong_number_of_cells_is_refused) {
  string_sink sink;
  csv_writer writer(sink);
  writer.begin({"a", "b"});
  EXPECT_THROW(writer.row({std::int64_t{1}}), std::invalid_argument);
}

TEST(csv_writer, counts_rows) {
  string_sink sink;
  csv_writer writer(sink);
  writer.begin({"a"});
  writer.row({std::int64_t{1}});
  writer.row({std::int64_t{2}});
  EXPECT_EQ(writer.rows(), 2u);
}
