// Messages crossing between the server's I/O threads: a publisher's thread writes straight to
// an idle subscriber's socket (mqtt_connection.cpp, send_now), while the subscriber's own
// thread writes its acknowledgements and whatever a full socket left over. Whatever the
// interleaving, each publisher's messages arrive complete and in order (for each QoS).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mqtt/broker/fleet_policy.hpp"
#include "mqtt/client/mqtt_client.hpp"
#include "mqtt/codec/decode.hpp"
#include "mqtt/codec/encode.hpp"
#include "mqtt/codec/frame.hpp"
#include "mqtt/transport/mqtt_server.hpp"

namespace mothership::mqtt {
namespace {

namespace asio = boost::asio;

class cross_thread_delivery_test : public ::testing::Test {
 protected:
  cross_thread_delivery_test()
      : policy_(fleet_policy_options{.allow_anonymous = true}),
        broker_({}, policy_),
        io_(2),
        server_(io_, broker_, policy_, {}, nullptr) {}

  ~cross_thread_delivery_test() override {
    server_.stop_accepting();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

  std::uint16_t start() {
    auto at = server_.listen_tcp("127.0.0.1:0");
    io_.hold();
    thread_ = std::thread([this] { io_.run(); });
    return at.port();
  }

  fleet_policy policy_;
  broker broker_;
  common::io_pool io_;  // two I/O threads: connections alternate between them
  mqtt_server server_;
  std::thread thread_;
};

struct received {
  std::mutex mutex;
  std::map<std::string, std::vector<int>> by_topic;
  std::size_t qos1 = 0;  // the ones that must all come
};

// Publishes `count` messages numbered 0.. to `topic`, QoS 1 and 0 in turn, each `size` bytes.
asio::awaitable<void> publish_numbered(std::uint16_t port, std::string topic, int count, std::size_t size) {
  client c(co_await asio::this_coro::executor);
  client_options options;
  options.port = port;
  options.client_id = "pub-" + topic;
  co_await c.connect(options);
  for (int i = 0; i < count; ++i) {
    std::string payload = std::to_string(i);
    payload.resize(std::max(size, payload.size()), ' ');
    co_await c.publish(topic, std::move(payload), i % 2 ? qos::at_most_once : qos::at_least_once);
  }
  co_await c.drain();
  co_await c.disconnect();
}

// Subscribes to order/#, and while messages arrive publishes QoS 1 messages of its own (so
// that its connection's writer is busy with acknowledgements meanwhile) until the `expected`
// QoS 1 messages came.
asio::awaitable<void> subscribe_until(std::uint16_t port, received& got, std::size_t expected,
                                      std::promise<void>& subscribed) {
  client c(co_await asio::this_coro::executor);
  c.on_message([&got, stalled = false](const mqtt::publish& p) mutable {
    std::size_t so_far;
    {
      std::lock_guard lock(got.mutex);
      got.by_topic[p.topic].push_back(std::stoi(p.payload));
      got.qos1 += std::stoi(p.payload) % 2 == 0;
      so_far = got.qos1;
    }
    // Stops reading for a moment: the socket fills, and direct sends leave their rest behind.
    if (!stalled && so_far == 20) {
      stalled = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
  });
  client_options options;
  options.port = port;
  options.client_id = "subscriber";
  co_await c.connect(options);
  std::vector<std::string> filters{std::string("order/#")};  // (g++ 12: no braced literals in co_await)
  co_await c.subscribe(filters, qos::at_least_once);
  subscribed.set_value();
  asio::steady_timer pause(co_await asio::this_coro::executor);
  const std::string noise_topic = "noise/subscriber", noise = "x";
  for (int i = 0; i < 3000; ++i) {
    {
      std::lock_guard lock(got.mutex);
      if (got.qos1 >= expected) break;
    }
    co_await c.publish(noise_topic, noise, qos::at_least_once);
    pause.expires_after(std::chrono::milliseconds(2));
    co_await pause.async_wait(asio::use_awaitable);
  }
  co_await c.drain();
  co_await c.disconnect();
}

// In order for each QoS [MQTT-4.6.0-6] (a QoS 0 message may overtake a QoS 1 one waiting for
// the client's receive window), and no QoS 1 message (the even numbers) missing. QoS 0 ones
// may be dropped when the subscriber's outbox is full (the documented policy).
void expect_complete_and_in_order(received& got, int publishers, int count) {
  std::lock_guard lock(got.mutex);
  ASSERT_EQ(got.by_topic.size(), static_cast<std::size_t>(publishers));
  for (auto& [topic, numbers] : got.by_topic) {
    int last[2] = {-1, -1};
    std::size_t qos1 = 0;
    for (int n : numbers) {
      ASSERT_LT(last[n % 2], n) << topic;
      last[n % 2] = n;
      qos1 += n % 2 == 0;
    }
    EXPECT_EQ(qos1, static_cast<std::size_t>((count + 1) / 2)) << topic;
  }
}

void run_scenario(std::uint16_t port, int publishers, int count, std::size_t size) {
  received got;
  std::promise<void> subscribed;
  auto ready = subscribed.get_future();
  asio::io_context subscriber_io;
  auto subscriber = asio::co_spawn(
      subscriber_io, subscribe_until(port, got, static_cast<std::size_t>(publishers) * ((count + 1) / 2), subscribed),
      asio::use_future);
  std::thread subscriber_thread([&] { subscriber_io.run(); });
  ready.wait();

  std::vector<std::thread> publisher_threads;
  std::vector<std::future<void>> published;
  std::vector<std::unique_ptr<asio::io_context>> publisher_io;
  for (int p = 0; p < publishers; ++p) {
    publisher_io.push_back(std::make_unique<asio::io_context>());
    published.push_back(asio::co_spawn(
        *publisher_io.back(), publish_numbered(port, "order/" + std::to_string(p), count, size), asio::use_future));
    publisher_threads.emplace_back([io = publisher_io.back().get()] { io->run(); });
  }
  for (auto& t : publisher_threads) t.join();
  for (auto& f : published) f.get();
  subscriber_thread.join();
  subscriber.get();
  expect_complete_and_in_order(got, publishers, count);
}

// A TCP socket connected to the server; `receive_buffer` bytes of SO_RCVBUF unless 0.
int connect_loopback(std::uint16_t port, int receive_buffer = 0) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (receive_buffer) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    throw std::runtime_error("connect");
  }
  return fd;
}

// A subscriber on a bare socket with a receive buffer of a few KiB, which stops reading for
// a while: the server's sends into it come back partial, and what was left must go out first.
class raw_subscriber {
 public:
  explicit raw_subscriber(std::uint16_t port) : fd_(connect_loopback(port, 4096)) {
    connect hello;
    hello.client_id = "raw-subscriber";
    hello.keep_alive = 60;
    send(hello);
    expect(packet_type::connack);
    subscribe wanted;
    wanted.packet_id = 1;
    wanted.entries.push_back({.filter = "order/#", .max_qos = qos::at_least_once});
    send(wanted);
    expect(packet_type::suback);
  }
  ~raw_subscriber() { hang_up(); }
  void hang_up() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Reads (acknowledging QoS 1) until `qos1` QoS 1 messages came or 20 s passed.
  void read_until(received& got, std::size_t qos1) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (got.qos1 < qos1 && std::chrono::steady_clock::now() < give_up) {
      auto p = next();
      if (!p) break;
      auto* m = std::get_if<publish>(&*p);
      if (!m) continue;
      int n = std::stoi(m->payload);
      got.by_topic[m->topic].push_back(n);
      got.qos1 += n % 2 == 0;
      if (m->packet_id) send(puback{.packet_id = *m->packet_id});
    }
  }

 private:
  void send(const packet& p) {
    std::string bytes;
    encode(p, protocol_version::v311, bytes);
    if (::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size()))
      throw std::runtime_error("send");
  }
  void expect(packet_type type) {
    auto p = next();
    if (!p || type_of(*p) != type) throw std::runtime_error("unexpected packet");
  }
  std::optional<packet> next() {
    for (;;) {
      auto span = std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(in_.data()), in_.size());
      auto found = parse_frame(span, max_remaining_length);
      if (auto* f = std::get_if<frame>(&found)) {
        auto decoded = decode_packet(f->first_byte, f->body(span), protocol_version::v311);
        in_.erase(0, f->total_length);
        if (!decoded) throw std::runtime_error("the server sent a malformed packet");
        return std::move(*decoded);
      }
      if (std::holds_alternative<decode_error>(found)) throw std::runtime_error("the server's stream is corrupt");
      pollfd wait{fd_, POLLIN, 0};
      if (::poll(&wait, 1, 5000) <= 0) return std::nullopt;
      char chunk[65536];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return std::nullopt;
      in_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  int fd_;
  std::string in_;
};

TEST_F(cross_thread_delivery_test, bytes_left_over_by_a_full_socket_go_out_before_anything_newer) {
  const std::uint16_t port = start();
  // Messages near the largest packet (1 MiB): a loopback socket takes about one whole.
  const int publishers = 2, count = 8;
  const std::size_t size = 1000 * 1000;
  raw_subscriber subscriber(port);
  std::vector<std::thread> threads;
  for (int p = 0; p < publishers; ++p)
    threads.emplace_back([port, p, size] {
      asio::io_context io;
      auto done =
          asio::co_spawn(io, publish_numbered(port, "order/" + std::to_string(p), count, size), asio::use_future);
      io.run();
      done.get();
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // not reading: the socket fills
  received got;
  std::string failure;
  try {
    subscriber.read_until(got, static_cast<std::size_t>(publishers) * ((count + 1) / 2));
  } catch (const std::exception& e) {
    failure = e.what();
  }
  subscriber.hang_up();  // publishers are never held by it
  for (auto& t : threads) t.join();
  ASSERT_EQ(failure, "");
  expect_complete_and_in_order(got, publishers, count);
}

// A client on a bare socket that writes whatever bytes it is given after its CONNECT.
class raw_publisher {
 public:
  raw_publisher(std::uint16_t port, std::string client_id) : fd_(connect_loopback(port)) {
    connect hello;
    hello.client_id = std::move(client_id);
    hello.keep_alive = 60;
    std::string bytes;
    encode(hello, protocol_version::v311, bytes);
    write(bytes);
    char connack[4];
    if (::recv(fd_, connack, sizeof connack, MSG_WAITALL) != sizeof connack) throw std::runtime_error("no CONNACK");
  }
  ~raw_publisher() { ::close(fd_); }
  void write(const std::string& bytes) {
    if (::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size()))
      throw std::runtime_error("send");
  }

 private:
  int fd_;
};

std::string publish_bytes(const std::string& topic, const std::string& payload) {
  publish p;
  p.topic = topic;
  p.payload = payload;
  std::string bytes;
  encode(p, protocol_version::v311, bytes);
  return bytes;
}

// Packets that arrive together are handled together and their subscribers written to once,
// after the last: when a malformed packet ends such a batch, what the good ones before it
// woke still goes out (and the subscriber is not left marked as about to be written to,
// which would keep everything after from it).
TEST_F(cross_thread_delivery_test, a_malformed_packet_ending_a_batch_keeps_what_came_before_it) {
  const std::uint16_t port = start();
  raw_subscriber subscriber(port);
  {
    raw_publisher broken(port, "broken");
    // One write: two messages, then a packet of the reserved type 0.
    broken.write(publish_bytes("order/broken", "0") + publish_bytes("order/broken", "2") + std::string("\x00\x00", 2));
  }
  raw_publisher later(port, "later");
  later.write(publish_bytes("order/later", "0"));
  received got;
  subscriber.read_until(got, 3);
  std::vector<int> broken_got = got.by_topic["order/broken"], later_got = got.by_topic["order/later"];
  EXPECT_EQ(broken_got, (std::vector<int>{0, 2}));
  EXPECT_EQ(later_got, (std::vector<int>{0}));
}

TEST_F(cross_thread_delivery_test, small_messages_from_both_threads_arrive_complete_and_in_order) {
  run_scenario(start(), 4, 2000, 16);
}

// 64 KiB messages, and a subscriber that stops reading for a moment: its writer is busy
// (holding the output) while publishers' threads try to send to it directly.
TEST_F(cross_thread_delivery_test, large_messages_that_fill_the_socket_arrive_complete_and_in_order) {
  run_scenario(start(), 3, 150, 64 * 1024);
}

}  // namespace
}  // namespace mothership::mqtt
