#include "reports/utf8.hpp"

#include <gtest/gtest.h>

using namespace mothership::reports;

namespace {

// Each sequence `text` splits into, as "ok:<length>" or "bad:<length>".
std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> parts;
  while (!text.empty()) {
    if (static_cast<unsigned char>(text[0]) < 0x80) {
      parts.push_back("ascii");
      text.remove_prefix(1);
      continue;
    }
    utf8_sequence seq = next_utf8_sequence(text);
    parts.push_back((seq.well_formed ? "ok:" : "bad:") + std::to_string(seq.length));
    text.remove_prefix(seq.length);
  }
  return parts;
}

using parts = std::vector<std::string>;

}  // namespace

TEST(utf8, takes_well_formed_sequences_of_each_length) {
  EXPECT_EQ(split("\xC3\xA9"), parts{"ok:2"});          // é
  EXPECT_EQ(split("\xE2\x82\xAC"), parts{"ok:3"});      // €
  EXPECT_EQ(split("\xF0\x9F\x98\x80"), parts{"ok:4"});  // 😀
  EXPECT_EQ(split("\xF4\x8F\xBF\xBF"), parts{"ok:4"});  // U+10FFFF
  EXPECT_EQ(split("\xEF\xBF\xBD"), parts{"ok:3"});      // U+FFFD itself
}

TEST(utf8, refuses_overlong_forms_surrogates_and_code_points_past_10ffff) {
  EXPECT_EQ(split("\xC0\x80"), (parts{"bad:1", "bad:1"}));
  EXPECT_EQ(split("\xE0\x80\x80"), (parts{"bad:1", "bad:1", "bad:1"}));
  EXPECT_EQ(split("\xED\xA0\x80"), (parts{"bad:1", "bad:1", "bad:1"}));  // U+D800
  EXPECT_EQ(split("\xF4\x90\x80\x80"), (parts{"bad:1", "bad:1", "bad:1", "bad:1"}));
  EXPECT_EQ(split("\xF5\x80"), (parts{"bad:1", "bad:1"}));
}

TEST(utf8, a_sequence_cut_short_is_one_replacement_and_the_next_byte_stands_alone) {
  EXPECT_EQ(split("\xE2\x82"
                  "A"),
            (parts{"bad:2", "ascii"}));
  EXPECT_EQ(split("\xF0\x9F\x98"), parts{"bad:3"});
  EXPECT_EQ(split("\xE2\xC3\xA9"), (parts{"bad:1", "ok:2"}));
  EXPECT_EQ(split("\x80\xBF"), (parts{"bad:1", "bad:1"}));
}
