#include "reports/csv_writer.hpp"

#include <cmath>
#include <stdexcept>

#include "reports/utf8.hpp"

namespace mothership::reports {

namespace {

bool starts_formula(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// `prefixed`: the field starts with the "'" that defuses a formula, so it has no leading blank.
bool needs_quotes(std::string_view s, bool prefixed) {
  if (s.empty()) return true;  // "" is the empty string; an empty field is NULL
  if ((!prefixed && is_blank(s.front())) || is_blank(s.back())) return true;
  for (char c : s) {
    if (c == '"' || c == ',' || c == '\r' || c == '\n') return true;
  }
  return false;
}

// Bytes copied as they are inside a field; the rest are '"' (doubled) and non-ASCII bytes
// (checked for UTF-8).
bool is_plain(unsigned char c) {
  return c < 0x80 && c != '"';
}

}  // namespace

csv_writer::csv_writer(byte_sink& out, csv_options options) : out_(out), buffer_(out), options_(options) {}

void csv_writer::begin(const std::vector<std::string>& columns) {
  if (options_.byte_order_mark) buffer_.append("\xEF\xBB\xBF");
  columns_ = columns.size();
  begun_ = true;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) buffer_.append(',');
    text(columns[i]);
  }
  buffer_.append("\r\n");
}

void csv_writer::row(const std::vector<cell>& cells) {
  if (!begun_) throw std::logic_error("csv row before begin");
  if (cells.size() != columns_) throw std::invalid_argument("csv row: cell count differs from column count");
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) buffer_.append(',');
    field(cells[i]);
  }
  buffer_.append("\r\n");
  ++rows_;
}

void csv_writer::end() {
  buffer_.flush();
  out_.finish();
}

void csv_writer::field(const cell& value) {
  switch (value.index()) {
    case 0:
      return;
    case 1:
      return buffer_.append_number(std::get<std::int64_t>(value));
    case 2:
      return double_value(std::get<double>(value));
    case 3:
      return buffer_.append(std::get<bool>(value) ? std::string_view("true") : std::string_view("false"));
    case 4:
      return text(std::get<std::string>(value));
  }
}

void csv_writer::double_value(double value) {
  // CSV has no spelling for them that every reader takes; empty means "no number" everywhere.
  if (!std::isfinite(value)) return;
  buffer_.append_number(value);
}

void csv_writer::text(std::string_view value) {
  bool prefixed = !value.empty() && starts_formula(value.front());
  bool quoted = needs_quotes(value, prefixed);
  if (quoted) buffer_.append('"');
  if (prefixed) buffer_.append('\'');
  std::size_t i = 0;
  while (i < value.size()) {
    std::size_t run = i;
    while (run < value.size() && is_plain(static_cast<unsigned char>(value[run]))) ++run;
    buffer_.append(value.substr(i, run - i));
    i = run;
    if (i == value.size()) break;
    if (value[i] == '"') {
      buffer_.append("\"\"");
      ++i;
      continue;
    }
    utf8_sequence seq = next_utf8_sequence(value.substr(i));
    buffer_.append(seq.well_formed ? value.substr(i, seq.length) : replacement_character);
    i += seq.length;
  }
  if (quoted) buffer_.append('"');
}

}  // namespace mothership::reports
