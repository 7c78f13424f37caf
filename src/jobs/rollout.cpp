#include "jobs/rollout.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mothership::jobs {

namespace {

constexpr std::int64_t unlimited = std::numeric_limits<std::int64_t>::max();
constexpr int max_waves = 10;
constexpr std::int64_t max_rate = 1'000'000;

// An integer member: nullopt when absent, `bad` set when present but not an integer in range.
std::optional<std::int64_t> integer(const boost::json::object& in, const char* key, std::int64_t lo, std::int64_t hi,
                                    bool& bad) {
  const auto* v = in.if_contains(key);
  if (!v) return std::nullopt;
  if (!v->is_int64() && !v->is_uint64()) return bad = true, std::nullopt;
  auto n = v->is_int64() ? v->as_int64() : static_cast<std::int64_t>(v->as_uint64());
  if (n < lo || n > hi) return bad = true, std::nullopt;
  return n;
}

std::optional<double> number(const boost::json::object& in, const char* key, double lo, double hi, bool& bad) {
  const auto* v = in.if_contains(key);
  if (!v) return std::nullopt;
  if (!v->is_number()) return bad = true, std::nullopt;
  double n = v->to_number<double>();
  if (!(n >= lo && n <= hi)) return bad = true, std::nullopt;
  return n;
}

}  // namespace

rollout_parse parse_rollout(const boost::json::object& in) {
  rollout_config c;
  bool bad = false;
  auto fail = [](std::string field, std::string error) { return rollout_parse{std::nullopt, field, error}; };
  if (auto v = integer(in, "max_per_minute", 0, max_rate, bad)) c.max_per_minute = static_cast<int>(*v);
  if (bad) return fail("rollout.max_per_minute", "must be an integer from 0 (no limit) to 1000000");
  if (auto v = number(in, "growth_factor", 1.0, 5.0, bad)) c.growth_factor = *v;
  if (bad) return fail("rollout.growth_factor", "must be a number from 1 to 5");
  if (auto v = integer(in, "growth_every", 0, 1'000'000, bad)) c.growth_every = static_cast<int>(*v);
  if (bad) return fail("rollout.growth_every", "must be an integer from 0 (no growth) to 1000000");
  if (auto v = number(in, "abort_failure_percent", 0.0, 100.0, bad)) c.abort_failure_percent = *v;
  if (bad) return fail("rollout.abort_failure_percent", "must be a number from 0 (never) to 100");
  if (auto v = integer(in, "abort_min_finished", 1, 1'000'000, bad)) c.abort_min_finished = static_cast<int>(*v);
  if (bad) return fail("rollout.abort_min_finished", "must be an integer from 1 to 1000000");
  if (auto v = integer(in, "in_progress_timeout_s", 60, 7 * 86400, bad)) c.in_progress_timeout_s = static_cast<int>(*v);
  if (bad) return fail("rollout.in_progress_timeout_s", "must be an integer from 60 to 604800 (7 days)");
  if (auto v = integer(in, "max_retries", 0, 10, bad)) c.max_retries = static_cast<int>(*v);
  if (bad) return fail("rollout.max_retries", "must be an integer from 0 to 10");
  if (const auto* w = in.if_contains("waves")) {
    if (!w->is_array() || w->as_array().size() > max_waves)
      return fail("rollout.waves", "must be a list of at most 10 waves");
    int last = 0;
    for (const auto& item : w->as_array()) {
      if (!item.is_object()) return fail("rollout.waves", "each wave is {\"percent\": P, \"soak_s\": S}");
      bool wave_bad = false;
      auto percent = integer(item.as_object(), "percent", 1, 100, wave_bad);
      auto soak = integer(item.as_object(), "soak_s", 0, 7 * 86400, wave_bad);
      if (wave_bad || !percent || *percent <= last)
        return fail("rollout.waves", "percents must grow from wave to wave, within 1..100; soak_s 0..604800");
      c.waves.push_back({static_cast<int>(*percent), static_cast<int>(soak.value_or(0))});
      last = static_cast<int>(*percent);
    }
    if (!c.waves.empty() && last != 100) return fail("rollout.waves", "the last wave must reach 100 percent");
  }
  return {c, "", ""};
}

boost::json::object to_json(const rollout_config& c) {
  boost::json::array waves;
  for (const auto& w : c.waves) waves.push_back({{"percent", w.percent}, {"soak_s", w.soak_s}});
  return {{"max_per_minute", c.max_per_minute},
          {"growth_factor", c.growth_factor},
          {"growth_every", c.growth_every},
          {"waves", std::move(waves)},
          {"abort_failure_percent", c.abort_failure_percent},
          {"abort_min_finished", c.abort_min_finished},
          {"in_progress_timeout_s", c.in_progress_timeout_s},
          {"max_retries", c.max_retries}};
}

int wave_count(const rollout_config& c) {
  return c.waves.empty() ? 1 : static_cast<int>(c.waves.size());
}

std::int64_t wave_limit(const rollout_config& c, int i, std::int64_t total) {
  if (c.waves.empty() || i >= wave_count(c) - 1) return total;
  // Rounded up, so that a small fleet's 1% wave is one device, not none.
  auto n = (total * c.waves[static_cast<std::size_t>(i)].percent + 99) / 100;
  return std::clamp<std::int64_t>(n, 1, total);
}

std::int64_t current_rate(const rollout_config& c, std::int64_t succeeded) {
  if (c.max_per_minute == 0) return unlimited;
  double rate = c.max_per_minute;
  if (c.growth_every > 0 && c.growth_factor > 1.0)
    rate *= std::pow(c.growth_factor, static_cast<double>(succeeded / c.growth_every));
  return static_cast<std::int64_t>(std::min(rate, static_cast<double>(max_rate)));
}

release_decision decide_release(const rollout_config& c, const rollout_progress& p, common::millis now) {
  release_decision d{0, p.wave, p.wave_opens_at};
  const int last_wave = wave_count(c) - 1;
  auto limit = wave_limit(c, d.wave, p.total);
  if (p.released >= limit) {
    // This wave is out. The next opens once all of it has finished and the soak time passed.
    if (d.wave >= last_wave || p.finished < p.released) return d;
    if (!d.wave_opens_at) d.wave_opens_at = now + std::int64_t{c.waves[static_cast<std::size_t>(d.wave)].soak_s} * 1000;
    if (now < *d.wave_opens_at) return d;
    ++d.wave;
    d.wave_opens_at.reset();
    limit = wave_limit(c, d.wave, p.total);
  }
  auto allowance = current_rate(c, p.succeeded);
  if (allowance != unlimited) allowance = std::max<std::int64_t>(0, allowance - p.released_last_minute);
  d.release = std::min(limit - p.released, allowance);
  return d;
}

bool should_abort(const rollout_config& c, const rollout_progress& p) {
  if (c.abort_failure_percent <= 0 || p.finished < c.abort_min_finished || p.finished == 0) return false;
  return static_cast<double>(p.failures) * 100.0 >= c.abort_failure_percent * static_cast<double>(p.finished);
}

}  // namespace mothership::jobs
