#include "common/clock.hpp"

#include <gtest/gtest.h>

using namespace mothership::common;

TEST(clock, formats_utc_with_milliseconds) {
  EXPECT_EQ(to_rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(to_rfc3339(1795000000123), "2026-11-18T11:06:40.123Z");
}

TEST(clock, parses_what_it_formats) {
  for (millis t : {0LL, 1795000000123LL, 951782400000LL}) EXPECT_EQ(parse_rfc3339(to_rfc3339(t)), t);
}

TEST(clock, parses_offsets_and_missing_fraction) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:01Z"), 1000);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.5Z"), 500);
}

TEST(clock, rejects_malformed_text) {
  for (const char* bad : {"", "2026-11-26", "2026-13-01T00:00:00Z", "2026-11-26T00:00:00", "2026-11-26T00:00:00Zjunk",
                          "'; DROP TABLE users; --", "2026-11-26T00:00:00."})
    EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
}
