#pragma once
// When the batch writer commits: once `max_rows` rows are waiting, or once the oldest of them
// has waited `max_wait`, or once nothing more has come for `idle` (when set), whichever comes
// first. Few large transactions make ingest fast (one fsync, one lock, per batch); the wait
// bounds how long a device waits for its PUBACK when the fleet is quiet.
//
// The idle gap matters for QoS 1 publishers: each holds a bounded window of messages waiting
// for their PUBACKs, so once every window is full nothing more arrives, and waiting out
// max_wait would cap the fleet at (windows / max_wait) messages a second (12,000 a second with
// 20 devices of 32 in flight and 50 ms). Committing when the input pauses lets the rate follow
// the commit time instead. Pure, on a clock the caller passes: tested on a fake one.
#include <chrono>
#include <cstddef>
#include <optional>

namespace mothership::telemetry {

class batch_policy {
 public:
  using clock = std::chrono::steady_clock;

  batch_policy(std::size_t max_rows, std::chrono::milliseconds max_wait,
               std::chrono::milliseconds idle = std::chrono::milliseconds(0))
      : max_rows_(max_rows), max_wait_(max_wait), idle_(idle) {}

  // Work arrived (a message of `rows` rows; a message of none still waits for its answer).
  void added(std::size_t rows, clock::time_point now) {
    if (!first_) first_ = now;
    last_ = now;
    rows_ += rows;
  }
  bool due(clock::time_point now) const { return first_ && (rows_ >= max_rows_ || now >= *deadline()); }
  // When the waiting batch falls due by age or by a pause; none when nothing waits.
  std::optional<clock::time_point> deadline() const {
    if (!first_) return std::nullopt;
    auto by_age = *first_ + max_wait_;
    return idle_.count() > 0 ? std::min(by_age, last_ + idle_) : by_age;
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
  std::chrono::milliseconds idle_;
  std::optional<clock::time_point> first_;
  clock::time_point last_{};
  std::size_t rows_ = 0;
};

}  // namespace mothership::telemetry
