#pragma once
// A stream of bytes read in pieces: an upload's body as it arrives, a blob, a file. Lets a
// domain take in a 2 GiB firmware image without holding it in memory, and lets tests hand it
// a string.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mothership::common {

// Thrown by read() when the bytes cannot all arrive: the client went away or sent too much.
// What was read so far must be thrown away.
struct source_failed : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The bytes went past the limit the reader was given (an upload over its size limit).
struct source_too_large : source_failed {
  using source_failed::source_failed;
};

class byte_source {
 public:
  virtual ~byte_source() = default;
  // Up to `size` bytes into `data`; may block until some arrive. 0 only at the end.
  virtual std::size_t read(char* data, std::size_t size) = 0;
};

class string_source : public byte_source {
 public:
  explicit string_source(std::string_view text) : text_(text) {}
  std::size_t read(char* data, std::size_t size) override {
    std::size_t n = std::min(size, text_.size());
    text_.copy(data, n);
    text_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view text_;
};

}  // namespace mothership::common
