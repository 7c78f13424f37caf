#pragma once
// A bounded pipe from a writer that pushes (a report writer into a byte_sink) to a reader that
// pulls (the blob store's put() from a byte_source), each on its own thread. At most
// `max_chunks` chunks wait in it, so a report of any size passes through in bounded memory:
// the faster side waits for the slower one.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "common/byte_source.hpp"
#include "reports/byte_sink.hpp"

namespace mothership::reports {

class chunk_pipe final : public byte_sink, public common::byte_source {
 public:
  explicit chunk_pipe(std::size_t max_chunks = 8) : max_chunks_(max_chunks) {}

  // Writer side. write() blocks while the pipe is full; it throws once the reader gave up.
  void write(std::string_view bytes) override;
  void finish() override;
  // The writer failed: the reader's next read() throws source_failed with `why`.
  void fail(std::string why);

  // Reader side. read() blocks until bytes arrive; 0 at the end.
  std::size_t read(char* data, std::size_t size) override;
  // The reader stops (put() failed): the writer's next write() throws.
  void abandon();

 private:
  std::size_t max_chunks_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> chunks_;
  std::size_t offset_ = 0;  // into chunks_.front()
  bool finished_ = false;
  bool abandoned_ = false;
  std::optional<std::string> failure_;
};

}  // namespace mothership::reports
