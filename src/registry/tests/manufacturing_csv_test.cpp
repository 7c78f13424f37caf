#include "registry/manufacturing_csv.hpp"

#include <gtest/gtest.h>

namespace mothership::registry {
namespace {

TEST(manufacturing_csv, reads_lines_with_header_quotes_crlf_and_optional_fingerprint) {
  auto parsed = parse_manufacturing_csv(
      "serial,model,hw_revision,claim_code,factory_cert_sha256\r\n"
      "SN-001,Thermo 3,rev B,K7Q2-MX9P\r\n"
      "\r\n"
      "\"SN-002\",\"Thermo, Pro\",rev C,CODE-0002,"
      "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89\n");
  ASSERT_TRUE(parsed.errors.empty()) << parsed.errors.front().reason;
  ASSERT_EQ(parsed.lines.size(), 2u);
  EXPECT_EQ(parsed.lines[0].serial, "SN-001");
  EXPECT_EQ(parsed.lines[0].hw_revision, "rev B");
  EXPECT_EQ(parsed.lines[0].line, 2u);
  EXPECT_FALSE(parsed.lines[0].factory_cert_sha256);
  EXPECT_EQ(parsed.lines[1].model, "Thermo, Pro");
  EXPECT_EQ(parsed.lines[1].line, 4u);
  EXPECT_EQ(*parsed.lines[1].factory_cert_sha256, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
}

TEST(manufacturing_csv, reports_every_bad_line_with_its_number_and_reason) {
  auto parsed = parse_manufacturing_csv(
      "SN-1,M,r1,CODE-AAAA\n"      // 1 ok
      "SN-2,M,r1\n"                // 2 too few fields
      ",M,r1,CODE-BBBB\n"          // 3 missing serial
      "SN-1,M,r1,CODE-CCCC\n"      // 4 duplicate of line 1
      "SN/4,M,r1,CODE-DDDD\n"      // 5 topic syntax in serial
      "SN-5,M\xe9,r1,CODE-EEEE\n"  // 6 Latin-1, not UTF-8
      "SN-6,M,r1,abc\n"            // 7 claim code too short
      "SN-7,M,r1,,nothex\n"        // 8 bad fingerprint
      "SN-8,\"M,r1,CODE-FFFF\n"    // 9 open quote
      "SN-9,M,,CODE-GGGG\n");      // 10 missing hw_revision
  ASSERT_EQ(parsed.lines.size(), 1u);
  std::vector<std::size_t> lines;
  for (const auto& e : parsed.errors) lines.push_back(e.line);
  EXPECT_EQ(lines, (std::vector<std::size_t>{2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_NE(parsed.errors[0].reason.find("found 3"), std::string::npos);
  EXPECT_EQ(parsed.errors[1].reason, "missing serial");
  EXPECT_NE(parsed.errors[2].reason.find("duplicate serial SN-1 (also on line 1)"), std::string::npos);
  EXPECT_NE(parsed.errors[4].reason.find("UTF-8"), std::string::npos);
}

TEST(manufacturing_csv, a_factory_certificate_alone_is_enough) {
  auto parsed = parse_manufacturing_csv("SN-1,M,r1,," + std::string(64, 'a') + "\n");
  ASSERT_TRUE(parsed.errors.empty());
  EXPECT_TRUE(parsed.lines[0].claim_code.empty());
  EXPECT_EQ(parse_manufacturing_csv("SN-1,M,r1,\n").errors.front().reason,
            "missing claim_code (or factory_cert_sha256)");
}

TEST(manufacturing_csv, serials_are_safe_as_topic_levels) {
  EXPECT_TRUE(is_valid_serial("ABC-123_x.9"));
  for (const char* bad : {"", "a/b", "a+b", "a#", "$SYS", "a b", "é"}) EXPECT_FALSE(is_valid_serial(bad)) << bad;
  EXPECT_FALSE(is_valid_serial(std::string(65, 'a')));
}

}  // namespace
}  // namespace mothership::registry
