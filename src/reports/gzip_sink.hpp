#pragma once
// Compresses what is written into gzip (RFC 1952, one member) on its way to another sink, so a
// report is stored and downloaded compressed without ever being whole in memory. Memory is
// bounded whatever the length: zlib's deflate state (about 256 KiB at the default window and
// memory level) plus a 64 KiB output block, which is what the next sink receives per write.
// finish() writes the gzip trailer (CRC-32 and length) and then finishes the next sink.
#include <cstddef>
#include <memory>

#include "reports/byte_sink.hpp"

struct z_stream_s;

namespace mothership::reports {

class gzip_sink : public byte_sink {
 public:
  static constexpr std::size_t block_size = 64 * 1024;

  // `level` as zlib has it: 1 fastest .. 9 smallest; 6 is zlib's default balance. Throws
  // std::bad_alloc when zlib cannot get its memory.
  explicit gzip_sink(byte_sink& next, int level = 6);
  ~gzip_sink() override;
  gzip_sink(const gzip_sink&) = delete;
  gzip_sink& operator=(const gzip_sink&) = delete;

  void write(std::string_view bytes) override;
  void finish() override;

 private:
  void deflate_all(int flush);
  void send_block();

  byte_sink& next_;
  std::unique_ptr<z_stream_s> stream_;
  std::unique_ptr<unsigned char[]> block_;
  bool finished_ = false;
};

}  // namespace mothership::reports
