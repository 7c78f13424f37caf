#pragma once
// Where a report's bytes go as they are made: a blob being written, a compressor in front of
// one, or a string in tests. The push-side twin of common::byte_source, so a writer never needs
// the whole report in memory.
#include <string>
#include <string_view>

namespace mothership::reports {

class byte_sink {
 public:
  virtual ~byte_sink() = default;
  // Takes the bytes or throws; the sink may keep them buffered until finish().
  virtual void write(std::string_view bytes) = 0;
  // The end of the stream: flushes what is buffered and closes it (a compressor writes its
  // trailer). Called once; nothing is written after it.
  virtual void finish() = 0;
};

class string_sink : public byte_sink {
 public:
  void write(std::string_view bytes) override { text_.append(bytes); }
  void finish() override { finished_ = true; }

  const std::string& text() const { return text_; }
  bool finished() const { return finished_; }

 private:
  std::string text_;
  bool finished_ = false;
};

}  // namespace mothership::reports
