#include "reports/format.hpp"

#include <gtest/gtest.h>

using namespace mothership::reports;

TEST(format, names_parse_back) {
  for (format f : {format::csv, format::json, format::ndjson}) EXPECT_EQ(parse_format(name(f)), f);
  EXPECT_EQ(parse_format("xlsx"), std::nullopt);
  EXPECT_EQ(parse_format(""), std::nullopt);
  EXPECT_EQ(parse_format("CSV"), std::nullopt);
}

TEST(format, content_types_and_extensions) {
  EXPECT_EQ(content_type(format::csv), "text/csv; charset=utf-8");
  EXPECT_EQ(content_type(format::json), "application/json");
  EXPECT_EQ(content_type(format::ndjson), "application/x-ndjson");
  EXPECT_EQ(file_extension(format::csv), "csv");
  EXPECT_EQ(file_extension(format::json), "json");
  EXPECT_EQ(file_extension(format::ndjson), "ndjson");
}
