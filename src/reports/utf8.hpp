#pragma once
// Text from the database is usually UTF-8 but nothing guarantees it (a device can report any
// bytes), and a report must always be valid UTF-8. Writers copy well-formed sequences and put
// U+FFFD in place of each ill-formed one, counted the way Unicode recommends ("maximal
// subparts", as browsers and ICU do): "\xE2\x82" followed by 'A' is one U+FFFD then 'A'.
#include <cstddef>
#include <string_view>

namespace mothership::reports {

inline constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

struct utf8_sequence {
  std::size_t length = 1;  // bytes taken from the input, 1..4
  bool well_formed = false;
};

// The sequence at the start of `text`, which must be non-empty and start with a byte >= 0x80.
// Ill-formed: overlong forms, surrogates, code points past U+10FFFF, stray continuation bytes
// and sequences cut short.
utf8_sequence next_utf8_sequence(std::string_view text);

}  // namespace mothership::reports
