#pragma once
// Newline-delimited JSON: one object a row, each line ended by "\n", nothing else (no rows, no
// bytes). Encoding as in json_text.hpp; escaping keeps every newline out of the values, so a
// reader can split on "\n" and parse each line alone.
#include <optional>

#include "reports/json_text.hpp"
#include "reports/output_buffer.hpp"
#include "reports/row_writer.hpp"

namespace mothership::reports {

class ndjson_writer : public row_writer {
 public:
  explicit ndjson_writer(byte_sink& out);

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
