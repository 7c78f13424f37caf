#include "scripted_stream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstring>

namespace mothership::fuzz {

namespace asio = boost::asio;
using boost::system::error_code;

bool peer_state::hang_up() {
  if (!stream || !stream->idle()) return false;
  stream->hang_up();
  return true;
}

void peer_state::hand_over() {
  if (handed_over_) return;
  handed_over_ = true;
  if (on_consumed_or_gone) on_consumed_or_gone();
}

mqtt::peer_info peer_info_of(const peer_shape& shape) {
  mqtt::peer_info peer;
  peer.address = "fuzz";
  switch (shape.transport) {
    case transport_identity::plain:
      break;
    case transport_identity::device_certificate:
      peer.certificate = std::make_unique<mqtt::client_certificate>();
      peer.certificate->identity = std::string(certificate_device);
      [[fallthrough]];
    case transport_identity::unnamed_certificate:
      if (!peer.certificate) peer.certificate = std::make_unique<mqtt::client_certificate>();
      [[fallthrough]];
    case transport_identity::failed_handshake:
      peer.transport = "tls";
      break;
  }
  return peer;
}

scripted_stream::scripted_stream(asio::any_io_executor executor, const peer_script& script,
                                 std::shared_ptr<peer_state> state)
    : executor_(std::move(executor)),
      script_(script),
      state_(std::move(state)),
      peer_(peer_info_of(script.shape)),
      silence_(executor_),
      chunk_seed_(script.shape_byte * 2654435761u + 1) {
  state_->stream = this;
}

scripted_stream::~scripted_stream() {
  *alive_ = false;
  state_->stream = nullptr;
  state_->gone = true;
  state_->hand_over();
}

asio::awaitable<error_code> scripted_stream::handshake() {
  co_await asio::post(executor_, asio::use_awaitable);
  if (script_.shape.transport == transport_identity::failed_handshake) co_return asio::error::connection_reset;
  co_return error_code{};
}

// Chunk sizes come from a xorshift generator seeded by the shape byte: reproducible, and
// varied enough that packets and fixed headers get split everywhere.
std::size_t scripted_stream::next_chunk(std::size_t wanted) {
  if (script_.shape.chunking == 0) return wanted;
  chunk_seed_ ^= chunk_seed_ << 13;
  chunk_seed_ ^= chunk_seed_ >> 17;
  chunk_seed_ ^= chunk_seed_ << 5;
  const std::size_t limit = std::size_t{1} << (script_.shape.chunking - 1);
  return std::min(wanted, 1 + chunk_seed_ % limit);
}

std::size_t scripted_stream::take(asio::mutable_buffer into) {
  const std::size_t n = next_chunk(std::min(into.size(), script_.bytes.size() - sent_));
  std::memcpy(into.data(), script_.bytes.data() + sent_, n);
  state_->log.entries.push_back({true, std::string(reinterpret_cast<const char*>(script_.bytes.data() + sent_), n)});
  sent_ += n;
  arrive_later();
  return n;
}

void scripted_stream::arrive_later() {
  arrived_ = false;
  asio::post(executor_, [this, alive = alive_] {
    if (!*alive) return;
    arrived_ = true;
    if (ready_ && (!at_end() || eof_due())) notify_ready({});
  });
}

void scripted_stream::notify_ready(error_code ec) {
  asio::post(executor_, [ready = std::move(ready_), ec] { ready->on_readable(ec); });
  ready_ = nullptr;
}

void scripted_stream::mark_consumed() {
  state_->consumed = true;
  state_->hand_over();
}

asio::awaitable<std::pair<error_code, std::size_t>> scripted_stream::read_some(asio::mutable_buffer into) {
  const auto cancels = cancels_;
  co_await asio::post(executor_, asio::use_awaitable);
  if (cancels_ != cancels) co_return std::pair{error_code(asio::error::operation_aborted), std::size_t{0}};
  if (at_end()) {
    mark_consumed();
    if (!eof_due()) {
      silent_read_ = true;
      silence_.expires_at(asio::steady_timer::time_point::max());
      co_await silence_.async_wait(asio::as_tuple(asio::use_awaitable));
      silent_read_ = false;
      if (!hung_up_) co_return std::pair{error_code(asio::error::operation_aborted), std::size_t{0}};
    }
    co_return std::pair{error_code(asio::error::eof), std::size_t{0}};
  }
  co_return std::pair{error_code{}, take(into)};
}

bool scripted_stream::can_wait_readable() const {
  return script_.shape.transport == transport_identity::plain;
}

std::pair<error_code, std::size_t> scripted_stream::try_read_some(asio::mutable_buffer into) {
  if (!arrived_) return {asio::error::would_block, 0};
  if (!at_end()) return {{}, take(into)};
  mark_consumed();
  if (!eof_due()) return {asio::error::would_block, 0};
  return {asio::error::eof, 0};
}

void scripted_stream::async_wait_readable(std::shared_ptr<mqtt::readable_waiter> waiter) {
  ready_ = std::move(waiter);
  if (at_end()) mark_consumed();
  if (arrived_ && (!at_end() || eof_due())) notify_ready({});
}

// Like a TCP socket with room in its send buffer (Asio writes speculatively), the bytes leave
// at once and only the completion goes through the executor.
asio::awaitable<error_code> scripted_stream::write(asio::const_buffer bytes) {
  error_code ec;
  if (state_->log.closed) {
    state_->log.written_after_close = true;
    ec = asio::error::not_connected;
  } else if (script_.shape.resets && writes_ > 0) {
    ec = asio::error::connection_reset;
  } else {
    ++writes_;
    state_->log.entries.push_back({false, std::string(static_cast<const char*>(bytes.data()), bytes.size())});
  }
  co_await asio::post(executor_, asio::use_awaitable);
  co_return ec;
}

asio::awaitable<void> scripted_stream::close() {
  state_->log.closed = true;
  co_return;
}

void scripted_stream::cancel() {
  ++cancels_;
  silence_.cancel();
  if (ready_) notify_ready(asio::error::operation_aborted);
}

void scripted_stream::hang_up() {
  hung_up_ = true;
  silence_.cancel();
  if (ready_ && arrived_) notify_ready({});
}

}  // namespace mothership::fuzz
