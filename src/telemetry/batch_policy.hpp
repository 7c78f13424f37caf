#pragma once
// When the batch writer commits: once `max_rows` rows are waiting, or once the oldest of them
// has waited `max_wait`, whichever comes first. Few large transactions make ingest fast (one
// fsync, one lock, per batch); the wait bounds how long a device waits for its PUBACK when
// the fleet is quiet. Pure, on a clock the caller passes: tested on a fake one.
#include <chrono>
#include <cstddef>
#include <optional>

namespace mothership::telemetry {

class batch_policy {
 public:
  using clock = std::chrono::steady_clock;

  batch_policy(std::size_t max_rows, std::chrono::milliseconds max_wait) : max_rows_(max_rows), max_wait_(max_wait) {}

  // Work arrived (a message of `rows` rows; a message of none still waits for its answer).
  void added(std::size_t rows, clock::time_point now) {
    if (!first_) first_ = now;
    rows_ += rows;
  }
  bool due(clock::time_point now) const { return first_ && (rows_ >= max_rows_ || now - *first_ >= max_wait_); }
  // When the waiting batch falls due by age; none when nothing waits.
  std::optional<clock::time_point> deadline() const {
    if (!first_) return std::nullopt;
    return *first_ + max_wait_;
  }
  void committed() {
    first_.reset();
    rows_ = 0;
  }
  std::size_t rows() const { return rows_; }
  bool waiting() const { return first_.has_value(); }

 private:
  std::size_t max_rows_;
  std::chrono::milliseconds max_wait_;
  std::optional<clock::time_point> first_;
  std::size_t rows_ = 0;
};

}  // namespace mothership::telemetry
