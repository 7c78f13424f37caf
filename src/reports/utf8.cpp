#include "reports/utf8.hpp"

namespace mothership::reports {

namespace {

bool is_continuation(unsigned char b, unsigned char low = 0x80, unsigned char high = 0xBF) {
  return b >= low && b <= high;
}

}  // namespace

utf8_sequence next_utf8_sequence(std::string_view text) {
  auto lead = static_cast<unsigned char>(text[0]);
  std::size_t length = 0;
  // The second byte's range is narrower after some lead bytes: that is what rules out
  // overlong forms (E0, F0), surrogates (ED) and code points past U+10FFFF (F4).
  unsigned char low = 0x80, high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return {1, false};  // a continuation byte alone, C0, C1 or F5..FF
  }

  std::size_t taken = 1;
  while (taken < length && taken < text.size()) {
    auto b = static_cast<unsigned char>(text[taken]);
    bool ok = taken == 1 ? is_continuation(b, low, high) : is_continuation(b);
    if (!ok) break;
    ++taken;
  }
  return {taken, taken == length};
}

}  // namespace mothership::reports
