#pragma once
// An in-memory byte_stream that plays one peer_script to the server: its bytes in chunks, then
// end of stream (or silence until hung up), and records the conversation.
//
// It behaves like a TCP socket whose peer sends one chunk at a time: every operation completes
// through the executor, so the server's reader, writer and other connections interleave
// between them; after a chunk is read the next one "arrives" one executor turn later, so a
// non-blocking read right after a read finds nothing and the server parks the connection on
// readiness (plain TCP peers only, as the real transports). Writes leave at once, as into a
// socket buffer with room: a later cancel() does not take them back.
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>

#include "mqtt/transport/byte_stream.hpp"
#include "peer_script.hpp"
#include "transcript.hpp"

namespace mothership::fuzz {

class scripted_stream;

// What the transport tells the server about a peer of this shape.
mqtt::peer_info peer_info_of(const peer_shape& shape);

// The harness's side of one peer; outlives the stream, which the connection owns.
struct peer_state {
  transcript log;
  bool consumed = false;                      // every byte was handed to the server
  bool gone = false;                          // the stream was destroyed: the server freed the connection
  std::function<void()> on_consumed_or_gone;  // once, whichever comes first
  scripted_stream* stream = nullptr;          // while it exists

  // A silent peer closes its end now. False when it is not waiting silently.
  bool hang_up();
  void hand_over();

 private:
  bool handed_over_ = false;
};

class scripted_stream final : public mqtt::byte_stream {
 public:
  scripted_stream(boost::asio::any_io_executor executor, const peer_script& script, std::shared_ptr<peer_state> state);
  ~scripted_stream() override;

  boost::asio::awaitable<boost::system::error_code> handshake() override;
  boost::asio::awaitable<std::pair<boost::system::error_code, std::size_t>> read_some(
      boost::asio::mutable_buffer into) override;
  boost::asio::awaitable<boost::system::error_code> write(boost::asio::const_buffer bytes) override;
  boost::asio::awaitable<void> close() override;
  void cancel() override;

  bool can_wait_readable() const override;
  std::pair<boost::system::error_code, std::size_t> try_read_some(boost::asio::mutable_buffer into) override;
  void async_wait_readable(std::shared_ptr<mqtt::readable_waiter> waiter) override;

  boost::asio::any_io_executor get_executor() override { return executor_; }
  const mqtt::peer_info& peer() const override { return peer_; }

  // Silent: every byte sent, the connection kept open.
  bool idle() const { return silent_read_ || (ready_ && at_end() && !eof_due()); }
  void hang_up();

 private:
  bool at_end() const { return sent_ == script_.bytes.size(); }
  bool eof_due() const { return !script_.shape.stays_idle || hung_up_; }
  std::size_t next_chunk(std::size_t wanted);
  std::size_t take(boost::asio::mutable_buffer into);  // the next chunk into `into`
  void arrive_later();                                 // the next chunk arrives after one executor turn
  void notify_ready(boost::system::error_code ec);
  void mark_consumed();

  boost::asio::any_io_executor executor_;
  peer_script script_;
  std::shared_ptr<peer_state> state_;
  mqtt::peer_info peer_;
  boost::asio::steady_timer silence_;  // an idle read waits on it
  std::size_t sent_ = 0;               // bytes of the script handed to the server
  std::uint32_t chunk_seed_;
  std::uint64_t cancels_ = 0;                                   // an operation that sees this change is aborted
  bool arrived_ = true;                                         // the next chunk (or the end) is readable now
  std::shared_ptr<mqtt::readable_waiter> ready_;                // a readiness wait
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for handlers posted by this stream
  std::size_t writes_ = 0;
  bool silent_read_ = false;  // a read waits on silence_
  bool hung_up_ = false;
};

}  // namespace mothership::fuzz
