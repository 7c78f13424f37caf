// MQTT load generator on the project's client library, for bench/mqtt/run. One scenario per
// invocation against one broker; prints one JSON object on stdout, progress on stderr.
//
//   mqtt_load fanin   --port P --publishers 10 --qos 1 [--rate R | --search]
//   mqtt_load fanout  --port P --subscribers 1000 --qos 0 [--rate R | --search]
//   mqtt_load latency --port P --rate 10000 --publishers 10 --qos 0
//   mqtt_load idle    --port P --pid BROKER_PID [--tls] --measure-at 10000 --hold 19000
//
// Without --rate or --search, publishers send as fast as the broker accepts.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <iostream>

#include "flow.hpp"
#include "idle_connections.hpp"
#include "rate_search.hpp"

namespace json = boost::json;
using namespace mothership::bench;

namespace {

struct command_line {
  flow_shape flow;
  idle_shape idle;
  std::string label = "broker";
  bool search = false;
  double rate = 0;  // 0: none given
  search_limits limits;
};

json::object flow_figures(const flow_result& r) {
  return {{"seconds", r.seconds},
          {"sent", r.sent},
          {"delivered", r.delivered},
          {"delivered_per_s", r.delivered_per_s()},
          {"backlog", r.backlog},
          {"backlog_growth_per_s", r.backlog_growth},
          {"expected", r.expected},
          {"received", r.received},
          {"lost", r.lost},
          {"duplicates", r.duplicates},
          {"p50_us", quantile(r.latency_us, 0.50)},
          {"p99_us", quantile(r.latency_us, 0.99)},
          {"p999_us", quantile(r.latency_us, 0.999)},
          {"max_us", r.latency_us.empty() ? 0 : r.latency_us.back()},
          {"error", r.error}};
}

void progress_line(const std::string& label, const std::string& text) {
  std::fprintf(stderr, "    %-28s %s\n", label.c_str(), text.c_str());
}

json::object run_traffic(command_line& cl) {
  if (cl.rate > 0) cl.flow.rate = cl.rate;
  if (!cl.search) {
    auto r = run_flow(cl.flow);
    json::object out = flow_figures(r);
    if (cl.flow.rate) {
      auto v = judge(cl.flow, r);
      out["held"] = v.held;
      out["reason"] = v.reason;
    }
    progress_line(cl.label, std::to_string(static_cast<long>(r.delivered_per_s())) + " deliveries/s" +
                                (r.error.empty() ? "" : " (" + r.error + ")"));
    return out;
  }
  const std::string unit = cl.flow.subscribers > 1 ? " msg/s x " + std::to_string(cl.flow.subscribers) : " msg/s";
  std::function<void(const search_step&)> report = [&](const search_step& s) {
    progress_line(cl.label, std::to_string(static_cast<long>(s.rate)) + unit + ": " +
                                (s.held ? "held, " : "not held, ") + s.reason);
  };
  auto found = search_highest_held_rate(cl.flow, cl.limits, report);
  json::array steps;
  for (const auto& s : found.steps) {
    json::object step = flow_figures(s.result);
    step["rate"] = s.rate;
    step["held"] = s.held;
    step["reason"] = s.reason;
    steps.push_back(std::move(step));
  }
  return {{"held_per_s", found.held_rate},
          {"held_deliveries_per_s", found.held_rate * cl.flow.subscribers},
          {"steps", std::move(steps)}};
}

json::object run_latency(command_line& cl) {
  cl.flow.rate = cl.rate > 0 ? cl.rate : 10000;
  auto r = run_flow(cl.flow);
  json::object out = flow_figures(r);
  out["samples"] = r.latency_us.size();
  progress_line(cl.label, "p50 " + std::to_string(quantile(r.latency_us, 0.5)) + " us, p99 " +
                              std::to_string(quantile(r.latency_us, 0.99)) + " us");
  return out;
}

json::object run_idle(command_line& cl) {
  cl.idle.host = cl.flow.host;
  cl.idle.port = cl.flow.port;
  std::function<void(int)> progress = [&](int open) {
    std::fprintf(stderr, "\r    %-28s %6d connections open", cl.label.c_str(), open);
  };
  auto r = run_idle_connections(cl.idle, progress);
  std::fprintf(stderr, "\n");
  progress_line(cl.label, std::to_string(static_cast<long>(r.bytes_per_connection)) + " B per connection, " +
                              std::to_string(r.held) + " held" +
                              (r.first_error.empty() ? "" : " (first failure: " + r.first_error + ")"));
  return {{"rss_before_kb", r.rss_before_kb},
          {"rss_measured_kb", r.rss_measured_kb},
          {"measured_connections", r.measured_connections},
          {"bytes_per_connection", r.bytes_per_connection},
          {"connect_per_s", r.connect_per_s},
          {"opened", r.opened},
          {"held", r.held},
          {"failures", r.failures},
          {"first_error", r.first_error}};
}

void add_common(CLI::App* app, command_line& cl) {
  app->add_option("--host", cl.flow.host);
  app->add_option("--port", cl.flow.port)->required();
  app->add_option("--label", cl.label, "Names the broker in progress lines");
}

void add_traffic(CLI::App* app, command_line& cl) {
  add_common(app, cl);
  app->add_option("--qos", cl.flow.qos)->check(CLI::Range(0, 1));
  app->add_option("--seconds", cl.flow.seconds, "Measured window (each step, when searching)");
  app->add_option("--payload", cl.flow.payload);
  app->add_option("--rate", cl.rate, "Offered messages/s from all publishers together");
  app->add_flag("--search", cl.search, "Find the highest rate held (doubling, then bisection)");
  app->add_option("--start", cl.limits.start, "First rate tried when searching");
}

}  // namespace

int main(int argc, char** argv) {
  command_line cl;
  CLI::App app{"MQTT load generator"};
  app.require_subcommand(1);
  auto* fanin = app.add_subcommand("fanin", "N publishers on load/<n> -> subscribers on #");
  add_traffic(fanin, cl);
  fanin->add_option("--publishers", cl.flow.publishers);
  fanin->add_option("--subscribers", cl.flow.subscribers);
  auto* fanout = app.add_subcommand("fanout", "publishers -> N subscribers, all on load/all");
  add_traffic(fanout, cl);
  fanout->add_option("--publishers", cl.flow.publishers, "Default 1");
  fanout->add_option("--subscribers", cl.flow.subscribers, "Default 1000");
  auto* latency = app.add_subcommand("latency", "publish-to-delivery delay at a fixed rate, fan-in");
  add_traffic(latency, cl);
  latency->add_option("--publishers", cl.flow.publishers);
  auto* idle = app.add_subcommand("idle", "idle connections: broker memory per connection, most held");
  add_common(idle, cl);
  idle->add_option("--pid", cl.idle.broker_pid, "The broker's process id")->required();
  idle->add_flag("--tls", cl.idle.tls);
  idle->add_option("--measure-at", cl.idle.measure_at);
  idle->add_option("--hold", cl.idle.hold);
  idle->add_option("--hold-seconds", cl.idle.hold_seconds);
  idle->add_option("--concurrency", cl.idle.concurrency);
  CLI11_PARSE(app, argc, argv);

  if (*fanout && !fanout->count("--publishers")) cl.flow.publishers = 1;
  if (*fanout && !fanout->count("--subscribers")) cl.flow.subscribers = 1000;
  if (*latency && !latency->count("--seconds")) cl.flow.seconds = 10;
  cl.limits.lowest = cl.limits.start / 64;

  json::object out;
  if (*fanin || *fanout) {
    cl.flow.layout = *fanin ? topic_layout::fan_in : topic_layout::fan_out;
    out = run_traffic(cl);
  } else if (*latency) {
    out = run_latency(cl);
  } else {
    out = run_idle(cl);
  }
  std::cout << json::serialize(out) << std::endl;
  return 0;
}
