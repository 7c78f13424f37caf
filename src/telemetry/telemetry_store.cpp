#include "telemetry/telemetry_store.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace mothership::telemetry {

namespace {

constexpr std::int64_t minute_ms = 60'000, hour_ms = 3'600'000;

std::int64_t bucket_of(std::int64_t ts, std::int64_t width) {
  std::int64_t q = ts / width;
  if (ts % width != 0 && ts < 0) --q;
  return q * width;
}

// Numbers and booleans feed the rollups; strings do not.
std::optional<double> numeric(const reading_value& v) {
  if (auto d = std::get_if<double>(&v)) return *d;
  if (auto b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
  return std::nullopt;
}

storage::value number_column(const reading_value& v) {
  if (auto n = numeric(v)) return *n;
  return nullptr;
}
storage::value text_column(const reading_value& v) {
  if (auto s = std::get_if<std::string>(&v)) return *s;
  return nullptr;
}

value_kind parse_kind(const std::string& k) {
  return k == "boolean" ? value_kind::boolean : k == "string" ? value_kind::text : value_kind::number;
}

// The value of a stored row as its series' kind.
reading_value value_of(value_kind kind, const storage::row& r, std::size_t number_col, std::size_t text_col) {
  if (!r.is_null(text_col)) return r.text(text_col);
  double n = r.is_null(number_col) ? 0 : r.number(number_col);
  if (kind == value_kind::boolean) return n != 0;
  return n;
}

const char* rollup_table(resolution r) {
  return r == resolution::hour ? "telemetry_rollup_1h" : "telemetry_rollup_1m";
}

std::string upsert_rollup_sql(const char* table) {
  std::string t = table;
  return "INSERT INTO " + t +
         " (series_id, bucket, count, sum, min, max, last, last_ts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
         " ON CONFLICT (series_id, bucket) DO UPDATE SET count = " +
         t + ".count + excluded.count, sum = " + t + ".sum + excluded.sum, min = CASE WHEN excluded.min < " + t +
         ".min THEN excluded.min ELSE " + t + ".min END, max = CASE WHEN excluded.max > " + t +
         ".max THEN excluded.max ELSE " + t + ".max END, last = CASE WHEN excluded.last_ts >= " + t +
         ".last_ts THEN excluded.last ELSE " + t + ".last END, last_ts = CASE WHEN excluded.last_ts >= " + t +
         ".last_ts THEN excluded.last_ts ELSE " + t + ".last_ts END";
}

const std::string& upsert_minute_sql() {
  static const std::string sql = upsert_rollup_sql("telemetry_rollup_1m");
  return sql;
}
const std::string& upsert_hour_sql() {
  static const std::string sql = upsert_rollup_sql("telemetry_rollup_1h");
  return sql;
}

void upsert(storage::connection& c, const std::string& sql,
            const std::map<std::pair<std::int64_t, std::int64_t>, summary>& buckets) {
  for (const auto& [at, s] : buckets)
    c.execute(sql, {at.first, at.second, s.count, s.sum, s.min, s.max, s.last, s.last_ts});
}

// A series' kind and key, for the query path.
struct series_info {
  std::int64_t id;
  value_kind kind;
};

std::optional<series_info> find_series(storage::connection& c, const std::string& device_id, const std::string& key) {
  auto r = c.query_one("SELECT id, kind FROM telemetry_series WHERE device_id = $1 AND key = $2", {device_id, key});
  if (!r) return std::nullopt;
  return series_info{r->integer(0), parse_kind(r->text(1))};
}

}  // namespace

std::int64_t telemetry_store::series_id(storage::connection& c, const std::string& device_id, const sample& s,
                                        std::unordered_map<std::string, std::int64_t>& created) {
  std::string cache_key = device_id;
  cache_key += '\n';
  cache_key += s.key;
  if (auto found = series_.find(cache_key); found != series_.end()) return found->second;
  if (auto found = created.find(cache_key); found != created.end()) return found->second;
  c.execute(
      "INSERT INTO telemetry_series (device_id, key, kind) VALUES ($1, $2, $3) ON CONFLICT (device_id, key) DO NOTHING",
      {device_id, s.key, std::string(name(kind_of(s.value)))});
  auto r = c.query_one("SELECT id FROM telemetry_series WHERE device_id = $1 AND key = $2", {device_id, s.key});
  std::int64_t id = r->integer(0);
  created.emplace(std::move(cache_key), id);
  return id;
}

std::size_t telemetry_store::append(const std::vector<device_samples>& batch) {
  std::unordered_map<std::string, std::int64_t> created;  // cached only once committed
  std::size_t stored = 0;
  db_.write([&](storage::connection& c) {
    std::map<std::pair<std::int64_t, std::int64_t>, summary> minutes, hours;
    std::unordered_map<std::int64_t, const sample*> latest;
    for (const auto& device : batch) {
      for (const auto& s : device.samples) {
        std::int64_t id = series_id(c, device.device_id, s, created);
        if (c.execute("INSERT INTO telemetry_samples (series_id, ts, received_at, number, text)"
                      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (series_id, ts) DO NOTHING",
                      {id, s.ts, s.received_at, number_column(s.value), text_column(s.value)}) == 0)
          continue;
        ++stored;
        auto& newest_of = latest[id];
        if (!newest_of || newest_of->ts <= s.ts) newest_of = &s;
        if (auto n = numeric(s.value)) {
          minutes[{id, bucket_of(s.ts, minute_ms)}].add(*n, s.ts);
          hours[{id, bucket_of(s.ts, hour_ms)}].add(*n, s.ts);
        }
      }
    }
    upsert(c, upsert_minute_sql(), minutes);
    upsert(c, upsert_hour_sql(), hours);
    for (const auto& [id, s] : latest)
      c.execute(
          "UPDATE telemetry_series SET kind = $2, last_ts = $3, last_received_at = $4, last_number = $5,"
          " last_text = $6 WHERE id = $1 AND (last_ts IS NULL OR last_ts <= $3)",
          {id, std::string(name(kind_of(s->value))), s->ts, s->received_at, number_column(s->value),
           text_column(s->value)});
  });
  series_.merge(created);
  return stored;
}

std::vector<latest_value> telemetry_store::latest(const std::string& device_id) const {
  auto all = latest_of({device_id});
  auto found = all.find(device_id);
  return found == all.end() ? std::vector<latest_value>{} : std::move(found->second);
}

std::map<std::string, std::vector<latest_value>> telemetry_store::latest_of(
    const std::vector<std::string>& device_ids) const {
  std::map<std::string, std::vector<latest_value>> out;
  if (device_ids.empty()) return out;
  // One statement for the page: "IN ($1, ..., $n)", at most a page of ids at a time.
  constexpr std::size_t per_statement = 100;
  db_.read([&](storage::connection& c) {
    for (std::size_t start = 0; start < device_ids.size(); start += per_statement) {
      std::size_t n = std::min(per_statement, device_ids.size() - start);
      std::string sql =
          "SELECT device_id, key, kind, last_ts, last_received_at, last_number, last_text FROM telemetry_series"
          " WHERE last_ts IS NOT NULL AND device_id IN (";
      storage::params p;
      for (std::size_t i = 0; i < n; ++i) {
        sql += (i ? ", $" : "$") + std::to_string(i + 1);
        p.emplace_back(device_ids[start + i]);
      }
      sql += ") ORDER BY device_id, key";
      c.query_each(sql, p, [&](const storage::row& r) {
        out[r.text(0)].push_back({r.text(1), value_of(parse_kind(r.text(2)), r, 5, 6), r.integer(3), r.integer(4)});
        return true;
      });
    }
  });
  return out;
}

std::vector<std::pair<std::string, std::int64_t>> telemetry_store::count_latest_text(const std::string& key) const {
  std::vector<std::pair<std::string, std::int64_t>> out;
  db_.read([&](storage::connection& c) {
    c.query_each(
        "SELECT last_text, COUNT(*) FROM telemetry_series WHERE key = $1 AND last_text IS NOT NULL"
        " GROUP BY last_text ORDER BY COUNT(*) DESC, last_text",
        {key}, [&](const storage::row& r) {
          out.emplace_back(r.text(0), r.integer(1));
          return true;
        });
  });
  return out;
}

std::vector<std::string> telemetry_store::keys_of(const std::string& device_id) const {
  std::vector<std::string> out;
  db_.read([&](storage::connection& c) {
    for (const auto& r : c.query("SELECT key FROM telemetry_series WHERE device_id = $1 ORDER BY key", {device_id}))
      out.push_back(r.text(0));
  });
  return out;
}

std::vector<series_answer> telemetry_store::query(const std::string& device_id, const std::vector<std::string>& keys,
                                                  const query_plan& plan, aggregation agg, std::size_t limit) const {
  std::vector<series_answer> out;
  db_.read([&](storage::connection& c) {
    for (const auto& key : keys) {
      auto& answer = out.emplace_back();
      answer.key = key;
      auto series = find_series(c, device_id, key);
      if (!series) continue;
      answer.kind = series->kind;
      const bool raw_points = plan.interval_ms == 0 || series->kind == value_kind::text;
      if (raw_points) {
        // Unbucketed: one point per sample, up to `limit` (one more tells whether there was more).
        c.query_each(
            "SELECT ts, number, text FROM telemetry_samples WHERE series_id = $1 AND ts >= $2 AND ts < $3"
            " ORDER BY ts LIMIT $4",
            {series->id, plan.from, plan.to, static_cast<std::int64_t>(limit + 1)}, [&](const storage::row& r) {
              if (answer.points.size() == limit) {
                answer.truncated = true;
                return false;
              }
              answer.points.push_back({r.integer(0), value_of(series->kind, r, 1, 2)});
              return true;
            });
        continue;
      }
      // Bucketed: rows arrive in time order, so each bucket is finished when the next begins.
      summary current;
      std::int64_t current_bucket = 0;
      auto finish = [&] {
        if (!current.empty()) answer.points.push_back({current_bucket, current.value(agg)});
        current = {};
      };
      auto add = [&](std::int64_t at, const summary& s) {
        std::int64_t b = bucket_of(at, plan.interval_ms);
        if (b != current_bucket) {
          finish();
          current_bucket = b;
        }
        current.merge(s);
      };
      if (plan.source == resolution::raw) {
        c.query_each(
            "SELECT ts, number FROM telemetry_samples WHERE series_id = $1 AND ts >= $2 AND ts < $3"
            " AND number IS NOT NULL ORDER BY ts",
            {series->id, plan.from, plan.to}, [&](const storage::row& r) {
              summary one;
              one.add(r.number(1), r.integer(0));
              add(r.integer(0), one);
              return true;
            });
      } else {
        c.query_each(std::string("SELECT bucket, count, sum, min, max, last, last_ts FROM ") +
                         rollup_table(plan.source) +
                         " WHERE series_id = $1 AND bucket >= $2 AND bucket < $3 ORDER BY bucket",
                     {series->id, plan.from, plan.to}, [&](const storage::row& r) {
                       add(r.integer(0),
                           summary{r.integer(1), r.number(2), r.number(3), r.number(4), r.number(5), r.integer(6)});
                       return true;
                     });
      }
      finish();
      if (series->kind == value_kind::boolean &&
          (agg == aggregation::last || agg == aggregation::min || agg == aggregation::max))
        for (auto& p : answer.points) p.value = std::get<double>(p.value) != 0;
    }
  });
  return out;
}

std::uint64_t telemetry_store::each_sample(const sample_filter& filter,
                                           const std::function<bool(const sample_row&)>& each) const {
  std::uint64_t seen = 0;
  db_.read([&](storage::connection& c) {
    // Series first, then each one's samples by its key range: rows come out in order with
    // no sort, and memory holds one series' ids, not the report.
    struct series_ref {
      std::int64_t id;
      std::string device_id, key;
      value_kind kind;
    };
    std::vector<series_ref> series;
    c.query_each(
        "SELECT id, device_id, key, kind FROM telemetry_series ORDER BY device_id, key", {},
        [&](const storage::row& r) {
          const auto& device = r.text(1);
          const auto& key = r.text(2);
          if (!filter.device_ids.empty() &&
              std::find(filter.device_ids.begin(), filter.device_ids.end(), device) == filter.device_ids.end())
            return true;
          if (!filter.keys.empty() && std::find(filter.keys.begin(), filter.keys.end(), key) == filter.keys.end())
            return true;
          series.push_back({r.integer(0), device, key, parse_kind(r.text(3))});
          return true;
        });
    bool go_on = true;
    for (const auto& s : series) {
      if (!go_on) break;
      c.query_each(
          "SELECT ts, received_at, number, text FROM telemetry_samples WHERE series_id = $1 AND ts >= $2 AND ts < $3"
          " ORDER BY ts",
          {s.id, filter.from, filter.to}, [&](const storage::row& r) {
            reading_value v = value_of(s.kind, r, 2, 3);
            ++seen;
            go_on = each({s.device_id, s.key, r.integer(0), r.integer(1), v});
            return go_on;
          });
    }
  });
  return seen;
}

std::int64_t telemetry_store::delete_older(resolution table, std::int64_t after_series, std::size_t max_series,
                                           const std::function<std::int64_t(const std::string& key)>& cutoff_of,
                                           std::uint64_t& deleted) {
  std::vector<std::pair<std::int64_t, std::int64_t>> todo;  // series, cutoff
  std::int64_t last = 0;
  db_.read([&](storage::connection& c) {
    c.query_each("SELECT id, key FROM telemetry_series WHERE id > $1 ORDER BY id LIMIT $2",
                 {after_series, static_cast<std::int64_t>(max_series)}, [&](const storage::row& r) {
                   last = r.integer(0);
                   if (auto cutoff = cutoff_of(r.text(1)); cutoff > 0) todo.emplace_back(last, cutoff);
                   return true;
                 });
  });
  if (todo.empty()) return last;
  const std::string sql =
      table == resolution::raw
          ? std::string("DELETE FROM telemetry_samples WHERE series_id = $1 AND ts < $2")
          : std::string("DELETE FROM ") + rollup_table(table) + " WHERE series_id = $1 AND bucket < $2";
  db_.write([&](storage::connection& c) {
    for (const auto& [id, cutoff] : todo) deleted += static_cast<std::uint64_t>(c.execute(sql, {id, cutoff}));
  });
  return last;
}

}  // namespace mothership::telemetry
