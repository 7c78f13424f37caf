#include "reports/gzip_sink.hpp"

#include <zlib.h>

#include <algorithm>
#include <limits>
#include <new>
#include <stdexcept>

namespace mothership::reports {

namespace {

// 15 is the largest window (32 KiB, the best compression); +16 asks zlib for a gzip header
// and trailer instead of the zlib ones, which is what browsers and gunzip read.
constexpr int gzip_window_bits = 15 + 16;
constexpr int memory_level = 8;

}  // namespace

gzip_sink::gzip_sink(byte_sink& next, int level)
    : next_(next), stream_(std::make_unique<z_stream>()), block_(new unsigned char[block_size]) {
  int rc = deflateInit2(stream_.get(), level, Z_DEFLATED, gzip_window_bits, memory_level, Z_DEFAULT_STRATEGY);
  if (rc == Z_MEM_ERROR) throw std::bad_alloc();
  if (rc != Z_OK) throw std::invalid_argument("gzip_sink: zlib refused the settings");
  stream_->next_out = block_.get();
  stream_->avail_out = block_size;
}

gzip_sink::~gzip_sink() {
  deflateEnd(stream_.get());
}

void gzip_sink::write(std::string_view bytes) {
  if (finished_) throw std::logic_error("gzip_sink: write after finish");
  // avail_in is 32 bits: a larger piece goes in several rounds.
  while (!bytes.empty()) {
    std::size_t n = std::min<std::size_t>(bytes.size(), std::numeric_limits<uInt>::max());
    stream_->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream_->avail_in = static_cast<uInt>(n);
    deflate_all(Z_NO_FLUSH);
    bytes.remove_prefix(n);
  }
}

void gzip_sink::finish() {
  if (finished_) return;
  finished_ = true;
  deflate_all(Z_FINISH);
  send_block();
  next_.finish();
}

void gzip_sink::deflate_all(int flush) {
  for (;;) {
    if (stream_->avail_out == 0) send_block();
    int rc = deflate(stream_.get(), flush);
    if (rc == Z_STREAM_END) return;
    // Z_BUF_ERROR only says no progress was possible; with room out that means all input is in.
    if (rc != Z_OK && rc != Z_BUF_ERROR) throw std::logic_error("gzip_sink: deflate failed");
    if (flush == Z_NO_FLUSH && stream_->avail_in == 0 && stream_->avail_out > 0) return;
  }
}

void gzip_sink::send_block() {
  std::size_t n = block_size - stream_->avail_out;
  // Reset before writing: if the next sink throws, these bytes are not sent twice.
  stream_->next_out = block_.get();
  stream_->avail_out = block_size;
  if (n > 0) next_.write({reinterpret_cast<const char*>(block_.get()), n});
}

}  // namespace mothership::reports
