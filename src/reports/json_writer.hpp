#pragma once
// The report as one JSON array of objects, one object a line so it stays readable and diffable:
//   [
//   {"id":1,"name":"a"},
//   {"id":2,"name":"b"}
//   ]
// and "[]" with no rows. Encoding as in json_text.hpp. A reader must take the whole array;
// for line-by-line processing ndjson_writer is the better format.
#include <optional>

#include "reports/json_text.hpp"
#include "reports/output_buffer.hpp"
#include "reports/row_writer.hpp"

namespace mothership::reports {

class json_writer : public row_writer {
 public:
  explicit json_writer(byte_sink& out);

  void begin(const std::vector<std::string>& columns) override;
  void row(const std::vector<cell>& cells) override;
  void end() override;
  std::size_t buffered() const override { return buffer_.size(); }

 private:
  byte_sink& out_;
  output_buffer buffer_;
  std::optional<json_object_encoder> encoder_;
};

}  // namespace mothership::reports
