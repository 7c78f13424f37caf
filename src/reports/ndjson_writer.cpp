#include "reports/ndjson_writer.hpp"

#include <stdexcept>

namespace mothership::reports {

ndjson_writer::ndjson_writer(byte_sink& out) : out_(out), buffer_(out) {}

void ndjson_writer::begin(const std::vector<std::string>& columns) {
  encoder_.emplace(columns);
}

void ndjson_writer::row(const std::vector<cell>& cells) {
  if (!encoder_) throw std::logic_error("ndjson row before begin");
  encoder_->append(buffer_, cells);
  buffer_.append('\n');
  ++rows_;
}

void ndjson_writer::end() {
  buffer_.flush();
  out_.finish();
}

}  // namespace mothership::reports
