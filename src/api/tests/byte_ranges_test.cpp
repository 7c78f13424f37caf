#include "api/byte_ranges.hpp"

#include <gtest/gtest.h>

namespace mothership::api {
namespace {

const std::string etag = "\"abc\"";

range_choice ask(std::string range, std::uint64_t size = 1000, std::string if_range = "", std::string method = "GET") {
  http_request req;
  req.method = method;
  if (!range.empty()) req.headers["range"] = range;
  if (!if_range.empty()) req.headers["if-range"] = if_range;
  return choose_range(req, size, etag);
}

void expect(range_choice got, int status, std::uint64_t offset, std::uint64_t length) {
  EXPECT_EQ(got.status, status);
  EXPECT_EQ(got.offset, offset);
  EXPECT_EQ(got.length, length);
}

TEST(ByteRanges, NoRangeIsTheWholeFile) {
  expect(ask(""), 200, 0, 1000);
}

TEST(ByteRanges, ClosedOpenAndSuffixRanges) {
  expect(ask("bytes=0-99"), 206, 0, 100);
  expect(ask("bytes=500-"), 206, 500, 500);
  expect(ask("bytes=-100"), 206, 900, 100);
  expect(ask("bytes= 10 - 19 "), 206, 10, 10);
}

TEST(ByteRanges, ALastPositionPastTheEndIsClipped) {
  expect(ask("bytes=990-5000"), 206, 990, 10);
  expect(ask("bytes=-5000"), 206, 0, 1000);
}

TEST(ByteRanges, AFirstPositionPastTheEndIsNotSatisfiable) {
  expect(ask("bytes=1000-"), 416, 0, 0);
  expect(ask("bytes=-0"), 416, 0, 0);
  expect(ask("bytes=0-", 0), 416, 0, 0);
}

TEST(ByteRanges, InvalidOrUnsupportedRangesAreIgnored) {
  expect(ask("bytes=50-10"), 200, 0, 1000);
  expect(ask("bytes=abc"), 200, 0, 1000);
  expect(ask("bytes=1-2,5-6"), 200, 0, 1000);  // several: the whole file
  expect(ask("items=0-1"), 200, 0, 1000);
  expect(ask("bytes=99999999999999999999-"), 200, 0, 1000);
  expect(ask("bytes=0-99", 1000, "", "POST"), 200, 0, 1000);
}

TEST(ByteRanges, IfRangeWithTheCurrentTagResumes) {
  expect(ask("bytes=100-", 1000, "\"abc\""), 206, 100, 900);
}

TEST(ByteRanges, IfRangeWithAnotherTagOrADateSendsTheWholeFile) {
  expect(ask("bytes=100-", 1000, "\"old\""), 200, 0, 1000);
  expect(ask("bytes=100-", 1000, "W/\"abc\""), 200, 0, 1000);
  expect(ask("bytes=100-", 1000, "Tue, 01 Dec 2026 10:00:00 GMT"), 200, 0, 1000);
}

}  // namespace
}  // namespace mothership::api
