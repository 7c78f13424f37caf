#include "reports/json_writer.hpp"

#include <stdexcept>

namespace mothership::reports {

json_writer::json_writer(byte_sink& out) : out_(out), buffer_(out) {}

void json_writer::begin(const std::vector<std::string>& columns) {
  encoder_.emplace(columns);
  buffer_.append('[');
}

void json_writer::row(const std::vector<cell>& cells) {
  if (!encoder_) throw std::logic_error("json row before begin");
  buffer_.append(rows_ == 0 ? std::string_view("\n") : std::string_view(",\n"));
  encoder_->append(buffer_, cells);
  ++rows_;
}

void json_writer::end() {
  buffer_.append(rows_ == 0 ? std::string_view("]\n") : std::string_view("\n]\n"));
  buffer_.flush();
  out_.finish();
}

}  // namespace mothership::reports
