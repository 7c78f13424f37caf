#pragma once
// CSV as RFC 4180 has it, made safe to open in a spreadsheet:
// - a header row of the column names, then one record per row, each ended by CRLF;
// - a field is quoted when it holds '"', ',', CR or LF or starts or ends with a space or tab
//   (which some readers trim), with '"' doubled inside;
// - always valid UTF-8: ill-formed bytes in text become U+FFFD; no byte-order mark unless asked;
// - CSV injection (OWASP): text that starts with '=', '+', '-', '@', TAB or CR would run as a
//   formula in Excel or LibreOffice, so it gets a leading "'" (the header too). Numbers are
//   written as numbers and never prefixed: -3.5 stays -3.5;
// - doubles in their shortest round-trip form; NaN and infinities as an empty field; bools as
//   true/false; NULL as an empty field and the empty string as "", as PostgreSQL's COPY does,
//   so the two stay apart.
#include "reports/output_buffer.hpp"
#include "reports/row_writer.hpp"

namespace mothership::reports {

struct csv_options {
  // Excel opens a CSV as the local code page unless it starts with a UTF-8 byte-order mark;
  // other readers take the mark as part of the first column's name. Off unless asked.
  bool byte_order_mark = false;
};

class csv_writer : public row_writer {
 public:
  explicit csv_writer(byte_sink& out, csv_options options = {});

  void begin(const std::vector<std::string>& columns) override;
  void row(const std::vector<cell>& cells) override;
  void end() override;
  std::size_t buffered() const override { return buffer_.size(); }

 private:
  void field(const cell& value);
  void text(std::string_view value);
  void double_value(double value);

  byte_sink& out_;
  output_buffer buffer_;
  csv_options options_;
  std::size_t columns_ = 0;
  bool begun_ = false;
};

}  // namespace mothership::reports
