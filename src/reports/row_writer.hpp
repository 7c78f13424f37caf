#pragma once
// Turns report rows into the bytes of one format, streaming: each row is encoded into a buffer
// of at most output_buffer::default_capacity (64 KiB) that goes to the sink whenever it fills,
// so a report of any length is written in bounded memory.
//
// Use: begin(columns) once, row(cells) per row with one cell per column, end() once. end()
// writes what is left and finishes the sink, after which the report is complete. A sink that
// throws leaves the output unfinished; throw it away (the blob store keeps no partial blob).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "reports/byte_sink.hpp"
#include "reports/cell.hpp"
#include "reports/format.hpp"

namespace mothership::reports {

class row_writer {
 public:
  virtual ~row_writer() = default;

  // Column names, in the order of every row's cells.
  virtual void begin(const std::vector<std::string>& columns) = 0;
  // Throws std::invalid_argument when the number of cells is not the number of columns: the
  // file would be malformed, so the report cannot go on.
  virtual void row(const std::vector<cell>& cells) = 0;
  virtual void end() = 0;

  // Rows written so far.
  std::uint64_t rows() const { return rows_; }
  // Bytes encoded but not yet handed to the sink.
  virtual std::size_t buffered() const = 0;

 protected:
  std::uint64_t rows_ = 0;
};

// The writer for `f`, writing into `out`, which must outlive it.
std::unique_ptr<row_writer> make_writer(format f, byte_sink& out);

}  // namespace mothership::reports
