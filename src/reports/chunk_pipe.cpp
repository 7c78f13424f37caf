#include "reports/chunk_pipe.hpp"

#include <cstring>
#include <stdexcept>

namespace mothership::reports {

void chunk_pipe::write(std::string_view bytes) {
  if (bytes.empty()) return;
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return chunks_.size() < max_chunks_ || abandoned_; });
  if (abandoned_) throw std::runtime_error("the report's destination stopped reading");
  chunks_.emplace_back(bytes);
  changed_.notify_all();
}

void chunk_pipe::finish() {
  std::lock_guard lock(mutex_);
  finished_ = true;
  changed_.notify_all();
}

void chunk_pipe::fail(std::string why) {
  std::lock_guard lock(mutex_);
  failure_ = std::move(why);
  changed_.notify_all();
}

void chunk_pipe::abandon() {
  std::lock_guard lock(mutex_);
  abandoned_ = true;
  changed_.notify_all();
}

std::size_t chunk_pipe::read(char* data, std::size_t size) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !chunks_.empty() || finished_ || failure_; });
  if (failure_) throw common::source_failed(*failure_);
  if (chunks_.empty()) return 0;  // finished
  auto& front = chunks_.front();
  std::size_t n = std::min(size, front.size() - offset_);
  std::memcpy(data, front.data() + offset_, n);
  offset_ += n;
  if (offset_ == front.size()) {
    chunks_.pop_front();
    offset_ = 0;
    changed_.notify_all();
  }
  return n;
}

}  // namespace mothership::reports
