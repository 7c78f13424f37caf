#include "flow.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <functional>
#include <random>

#include "mqtt/client/mqtt_client.hpp"
#include "stamp.hpp"

namespace mothership::bench {

namespace {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

// What the clients of one run share. It outlives the io_context the clients run on.
struct flow_state {
  explicit flow_state(const flow_shape& s)
      : shape(s),
        sent(s.publishers, 0),
        acked(s.publishers, 0),
        seen(s.qos > 0 ? s.subscribers * s.publishers : 0),
        clients(s.publishers + s.subscribers, nullptr) {}

  flow_shape shape;
  std::uint32_t run = std::random_device{}();
  std::vector<std::uint64_t> sent;      // per publisher
  std::vector<std::uint64_t> acked;     // per publisher: PUBACKs, which brokers send in order
  std::vector<std::vector<bool>> seen;  // [subscriber * publishers + publisher][sequence]
  std::uint64_t received = 0;
  std::uint64_t duplicates = 0;
  std::vector<std::uint32_t> latency_us;
  std::vector<mqtt::client*> clients;  // publishers then subscribers, while their coroutine runs
  int connected_publishers = 0, subscribed = 0, finished = 0;
  bool recording = false;  // in the window, after the warm-up
  bool stop_publishing = false;
  bool quiet = false;
  steady::time_point last_leftover;  // when a message of an earlier run last arrived
  steady::time_point start;
  std::string error;

  std::uint64_t sent_total() const {
    std::uint64_t n = 0;
    for (auto s : sent) n += s;
    return n;
  }
  void fail(std::string what) {
    if (error.empty()) error = std::move(what);
  }
  void deliver(int subscriber, const mqtt::publish& p) {
    auto s = read_stamp(p.payload);
    if (!s || s->run != run || s->publisher >= sent.size() || !p.topic.starts_with("load/")) return;
    if (shape.qos > 0) {
      auto& bits = seen[subscriber * shape.publishers + s->publisher];
      if (s->sequence >= bits.size()) bits.resize(std::max<std::size_t>(s->sequence + 1, bits.size() * 2), false);
      if (bits[s->sequence]) {
        ++duplicates;
        return;
      }
      bits[s->sequence] = true;
    }
    ++received;
    if (recording) latency_us.push_back(static_cast<std::uint32_t>((steady_now_ns() - s->sent_ns) / 1000));
  }
};

mqtt::client_options options_for(const flow_shape& shape, std::string client_id) {
  mqtt::client_options o;
  o.host = shape.host;
  o.port = shape.port;
  o.client_id = std::move(client_id);
  return o;
}

// How often a paced publisher wakes: once per message at low rates, but at most every
// millisecond (and less often with many publishers), sending what has fallen due in between.
steady::duration pacing_tick(const flow_shape& shape) {
  double per_publisher = *shape.rate / shape.publishers;
  double us = std::clamp(1e6 / per_publisher, std::max(1000.0, shape.publishers * 20.0), 10000.0);
  return std::chrono::microseconds(static_cast<long>(us));
}

asio::awaitable<void> publisher(flow_state* st, int index, asio::steady_timer* go) {
  auto executor = co_await asio::this_coro::executor;
  mqtt::client c(executor);
  st->clients[index] = &c;
  try {
    auto options = options_for(st->shape, "load-pub-" + std::to_string(index));
    co_await c.connect(options);
    ++st->connected_publishers;
    co_await go->async_wait(nothrow);  // until every client is ready
    const std::string topic = st->shape.layout == topic_layout::fan_in ? "load/" + std::to_string(index) : "load/all";
    const auto q = static_cast<mqtt::qos>(st->shape.qos);
    const bool paced = st->shape.rate.has_value();
    const double per_publisher = paced ? *st->shape.rate / st->shape.publishers : 0;
    const auto tick = paced ? pacing_tick(st->shape) : steady::duration::zero();
    asio::steady_timer sleep(executor);
    std::uint32_t sequence = 0;
    while (!st->stop_publishing && c.connected()) {
      std::uint64_t due = sequence + 64;
      if (paced)
        due = static_cast<std::uint64_t>(std::chrono::duration<double>(steady::now() - st->start).count() *
                                         per_publisher);
      for (int burst = 1; sequence < due && !st->stop_publishing; ++burst) {
        std::string body = stamped_payload(stamp{st->run, static_cast<std::uint32_t>(index), sequence, steady_now_ns()},
                                           st->shape.payload);
        co_await c.publish(topic, std::move(body), q);
        st->sent[index] = ++sequence;
        if (burst % 64 == 0 && sequence < due)
          co_await asio::post(executor, asio::use_awaitable);  // let the subscribers read
      }
      st->acked[index] = c.acknowledged();
      if (paced) {
        sleep.expires_after(tick);
        co_await sleep.async_wait(nothrow);
      } else {
        co_await asio::post(executor, asio::use_awaitable);
      }
    }
    co_await c.drain();
    st->acked[index] = c.acknowledged();
    co_await c.disconnect();
  } catch (const std::exception& e) {
    st->fail(std::string("publisher: ") + e.what());
  }
  st->acked[index] = c.acknowledged();
  st->clients[index] = nullptr;
  ++st->finished;
}

asio::awaitable<void> subscriber(flow_state* st, int index, asio::steady_timer* end) {
  mqtt::client c(co_await asio::this_coro::executor);
  st->clients[st->shape.publishers + index] = &c;
  std::function<void(const mqtt::publish&)> count = [st, index](const mqtt::publish& p) { st->deliver(index, p); };
  c.on_message(count);
  try {
    auto options = options_for(st->shape, "load-sub-" + std::to_string(index));
    co_await c.connect(options);
    std::vector<std::string> filters{st->shape.layout == topic_layout::fan_in ? "#" : "load/all"};
    co_await c.subscribe(filters, static_cast<mqtt::qos>(st->shape.qos));
    ++st->subscribed;
    co_await end->async_wait(nothrow);  // until late deliveries stopped arriving
    if (!c.connected()) st->fail("a subscriber was disconnected by the broker");
    co_await c.disconnect();
  } catch (const std::exception& e) {
    st->fail(std::string("subscriber: ") + e.what());
  }
  st->clients[st->shape.publishers + index] = nullptr;
  ++st->finished;
}

// Before a run: waits until no message has arrived on load/# for `quiet`, because a broker
// that an earlier run overloaded may still be working through publishes it had buffered (and
// would deliver them to this run's subscribers, at a cost to this run).
asio::awaitable<void> wait_for_quiet(flow_state* st, steady::duration quiet, steady::duration limit) {
  auto executor = co_await asio::this_coro::executor;
  mqtt::client c(executor);
  std::function<void(const mqtt::publish&)> note = [st](const mqtt::publish&) { st->last_leftover = steady::now(); };
  c.on_message(note);
  try {
    auto options = options_for(st->shape, "load-quiet-probe");
    co_await c.connect(options);
    std::vector<std::string> filters{"load/#"};
    co_await c.subscribe(filters, mqtt::qos::at_most_once);
    st->last_leftover = steady::now();
    asio::steady_timer wait(executor);
    for (auto deadline = steady::now() + limit; steady::now() < deadline;) {
      if (steady::now() - st->last_leftover >= quiet) break;
      wait.expires_at(st->last_leftover + quiet);
      co_await wait.async_wait(nothrow);
    }
    co_await c.disconnect();
  } catch (const std::exception& e) {
    st->fail(std::string("before the run: ") + e.what());
  }
  st->quiet = true;
}

// Runs the clients until `done()` or the time is up; false when the time ran out.
bool run_until(asio::io_context& io, const std::function<bool()>& done, steady::duration limit) {
  auto deadline = steady::now() + limit;
  while (!done()) {
    if (steady::now() >= deadline) return false;
    if (io.stopped()) io.restart();
    io.run_one_until(deadline);
  }
  return true;
}

// Least-squares slope of y over t.
double slope(const std::vector<std::pair<double, double>>& samples) {
  if (samples.size() < 2) return 0;
  double n = samples.size(), st = 0, sy = 0, stt = 0, sty = 0;
  for (auto [t, y] : samples) st += t, sy += y, stt += t * t, sty += t * y;
  double d = n * stt - st * st;
  return d == 0 ? 0 : (n * sty - st * sy) / d;
}

}  // namespace

double flow_result::offered_per_s(const flow_shape& shape) const {
  return shape.rate ? *shape.rate * shape.subscribers : 0;
}

std::uint32_t quantile(const std::vector<std::uint32_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  auto i = static_cast<std::size_t>(q * (sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

flow_result run_flow(const flow_shape& shape) {
  flow_state st(shape);
  flow_result result;
  asio::io_context io(1);
  asio::steady_timer go(io, steady::time_point::max());
  asio::steady_timer end(io, steady::time_point::max());
  const int clients = shape.publishers + shape.subscribers;

  asio::co_spawn(io, wait_for_quiet(&st, std::chrono::milliseconds(500), std::chrono::seconds(60)), asio::detached);
  std::function<bool()> quiet = [&] { return st.quiet; };
  run_until(io, quiet, std::chrono::seconds(70));

  // Every subscription in place before the first message; connections in waves of 100, so a
  // broker's listen backlog never overflows into SYN retries.
  for (int i = 0; i < shape.subscribers && st.error.empty(); ++i) {
    asio::co_spawn(io, subscriber(&st, i, &end), asio::detached);
    std::function<bool()> wave = [&] { return st.subscribed == i + 1 || !st.error.empty(); };
    if ((i + 1) % 100 == 0 || i + 1 == shape.subscribers) run_until(io, wave, std::chrono::seconds(30));
  }
  for (int i = 0; i < shape.publishers && st.error.empty(); ++i) {
    asio::co_spawn(io, publisher(&st, i, &go), asio::detached);
    std::function<bool()> wave = [&] { return st.connected_publishers == i + 1 || !st.error.empty(); };
    if ((i + 1) % 100 == 0 || i + 1 == shape.publishers) run_until(io, wave, std::chrono::seconds(30));
  }

  if (st.error.empty()) {
    st.start = steady::now();
    go.expires_at(steady::time_point::min());  // wakes the waiting publishers; later waits end at once
    // The window: sample the backlog every 100 ms.
    std::vector<std::pair<double, double>> backlog;
    const auto window = std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(shape.seconds));
    for (auto next = st.start + std::chrono::milliseconds(100); next <= st.start + window;
         next += std::chrono::milliseconds(100)) {
      std::function<bool()> never = [] { return false; };
      run_until(io, never, next - steady::now());
      double t = std::chrono::duration<double>(steady::now() - st.start).count();
      st.recording = t >= shape.warm_up_seconds;
      if (st.recording) backlog.emplace_back(t, static_cast<double>(st.sent_total() * shape.subscribers - st.received));
    }
    st.recording = false;
    st.stop_publishing = true;
    result.seconds = std::chrono::duration<double>(steady::now() - st.start).count();
    result.sent = st.sent_total();
    result.delivered = st.received;
    result.backlog = result.sent * shape.subscribers - std::min(result.delivered, result.sent * shape.subscribers);
    result.backlog_growth = slope(backlog);

    // Publishers drain their acknowledgements; then late deliveries arrive until none came for a second.
    std::function<bool()> publishers_done = [&] { return st.finished >= shape.publishers; };
    run_until(io, publishers_done, std::chrono::seconds(10));
    for (auto deadline = steady::now() + std::chrono::seconds(10); steady::now() < deadline;) {
      std::uint64_t before = st.received;
      std::function<bool()> all_in = [&] { return st.received >= st.sent_total() * shape.subscribers; };
      if (run_until(io, all_in, std::chrono::seconds(1)) || st.received == before) break;
    }
  }
  end.expires_at(steady::time_point::min());
  std::function<bool()> all_finished = [&] { return st.finished == clients; };
  if (!run_until(io, all_finished, std::chrono::seconds(5))) {
    for (auto* c : st.clients)
      if (c) c->close();  // a broker that stopped answering: no DISCONNECT, the coroutines end
    run_until(io, all_finished, std::chrono::seconds(5));
  }

  result.expected = st.sent_total() * shape.subscribers;
  result.received = st.received;
  result.duplicates = st.duplicates;
  for (int s = 0; s < (shape.qos > 0 ? shape.subscribers : 0); ++s)
    for (int p = 0; p < shape.publishers; ++p) {
      const auto& bits = st.seen[s * shape.publishers + p];
      for (std::uint64_t q = 0; q < st.acked[p]; ++q)
        if (q >= bits.size() || !bits[q]) ++result.lost;
    }
  result.latency_us = std::move(st.latency_us);
  std::sort(result.latency_us.begin(), result.latency_us.end());
  result.error = st.error;
  return result;
}

}  // namespace mothership::bench
