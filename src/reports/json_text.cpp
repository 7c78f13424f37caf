#include "reports/json_text.hpp"

#include <array>
#include <cmath>
#include <stdexcept>

#include "reports/utf8.hpp"

namespace mothership::reports {

namespace {

// What each byte needs inside a string: 0 copy it, 'u' \u00XX, 'U' a UTF-8 check, any other
// letter the two-character escape with that letter.
constexpr std::array<char, 256> escapes = [] {
  std::array<char, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 'u';
  for (int c = 0x80; c < 0x100; ++c) table[c] = 'U';
  table['"'] = '"';
  table['\\'] = '\\';
  table['\n'] = 'n';
  table['\r'] = 'r';
  table['\t'] = 't';
  table['\b'] = 'b';
  table['\f'] = 'f';
  return table;
}();

}  // namespace

void append_json_string(output_buffer& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out.append('"');
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t run = i;
    while (run < text.size() && escapes[static_cast<unsigned char>(text[run])] == 0) ++run;
    out.append(text.substr(i, run - i));
    i = run;
    if (i == text.size()) break;
    auto byte = static_cast<unsigned char>(text[i]);
    char escape = escapes[byte];
    if (escape == 'U') {
      utf8_sequence seq = next_utf8_sequence(text.substr(i));
      out.append(seq.well_formed ? text.substr(i, seq.length) : replacement_character);
      i += seq.length;
      continue;
    }
    if (escape == 'u') {
      char u[] = {'\\', 'u', '0', '0', hex[byte >> 4], hex[byte & 0xF]};
      out.append(std::string_view(u, sizeof u));
    } else {
      char e[] = {'\\', escape};
      out.append(std::string_view(e, sizeof e));
    }
    ++i;
  }
  out.append('"');
}

void append_json_value(output_buffer& out, const cell& value) {
  switch (value.index()) {
    case 0:
      return out.append("null");
    case 1:
      return out.append_number(std::get<std::int64_t>(value));
    case 2: {
      double d = std::get<double>(value);
      if (!std::isfinite(d)) return out.append("null");
      return out.append_number(d);
    }
    case 3:
      return out.append(std::get<bool>(value) ? std::string_view("true") : std::string_view("false"));
    case 4:
      return append_json_string(out, std::get<std::string>(value));
  }
}

json_object_encoder::json_object_encoder(const std::vector<std::string>& columns) {
  key_prefixes_.reserve(columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    string_sink key;
    output_buffer buffer(key);
    buffer.append(i == 0 ? '{' : ',');
    append_json_string(buffer, columns[i]);
    buffer.append(':');
    buffer.flush();
    key_prefixes_.push_back(key.text());
  }
}

void json_object_encoder::append(output_buffer& out, const std::vector<cell>& cells) const {
  if (cells.size() != key_prefixes_.size())
    throw std::invalid_argument("json row: cell count differs from column count");
  if (cells.empty()) out.append('{');
  for (std::size_t i = 0; i < cells.size(); ++i) {
    out.append(key_prefixes_[i]);
    append_json_value(out, cells[i]);
  }
  out.append('}');
}

}  // namespace mothership::reports
