#include "mqtt/codec/utf8.hpp"

#include <cstdint>

namespace mothership::mqtt {

bool valid_mqtt_string(std::string_view s) {
  if (s.size() > 65'535) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char lead = *p;
    if (lead == 0x00) return false;
    if (lead < 0x80) {
      ++p;
      continue;
    }
    // The ranges of the second byte below are Table 3-7 of the Unicode standard: they exclude
    // overlong forms (C0, C1, E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and code points past
    // U+10FFFF (F4 90.., F5..FF) without decoding the code point.
    std::size_t length = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) lo = 0xA0;
      if (lead == 0xED) hi = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) lo = 0x90;
      if (lead == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) < length) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (std::size_t i = 2; i < length; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
    }
    p += length;
  }
  return true;
}

}  // namespace mothership::mqtt
