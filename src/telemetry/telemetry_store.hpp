#pragma once
// Telemetry's tables (its own database: see storage/migrations.hpp): samples by series, the
// 1-minute and 1-hour rollups kept beside them, and the latest value of every series.
//
// append() is called by one writer at a time (the ingest's batch writer); everything else
// reads and may run on any thread.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/database.hpp"
#include "telemetry/aggregate.hpp"
#include "telemetry/query_plan.hpp"
#include "telemetry/sample.hpp"

namespace mothership::telemetry {

struct device_samples {
  std::string device_id;
  std::vector<sample> samples;
};

struct latest_value {
  std::string key;
  reading_value value;
  std::int64_t ts = 0;
  std::int64_t received_at = 0;
};

struct point {
  std::int64_t ts;  // a bucket's start, or a raw sample's time
  reading_value value;
};

struct series_answer {
  std::string key;
  value_kind kind = value_kind::number;
  std::vector<point> points;
  bool truncated = false;  // raw samples beyond `limit` were left out
};

// One row of a telemetry report.
struct sample_row {
  const std::string& device_id;
  const std::string& key;
  std::int64_t ts;
  std::int64_t received_at;
  const reading_value& value;
};

struct sample_filter {
  std::vector<std::string> device_ids;  // empty = every device
  std::vector<std::string> keys;        // empty = every key
  std::int64_t from = 0;
  std::int64_t to = 0;
};

class telemetry_store {
 public:
  explicit telemetry_store(storage::database& db) : db_(db) {}

  // One transaction. Returns the rows stored: a sample already there for its key and time
  // (a message resent after a lost acknowledgement) is skipped, and counted in no rollup.
  std::size_t append(const std::vector<device_samples>& batch);

  std::vector<latest_value> latest(const std::string& device_id) const;
  // For a page of devices (the device list): their latest values, by device id.
  std::map<std::string, std::vector<latest_value>> latest_of(const std::vector<std::string>& device_ids) const;
  std::vector<std::string> keys_of(const std::string& device_id) const;
  // How many devices' latest value of `key` is each text (e.g. their reported "health").
  std::vector<std::pair<std::string, std::int64_t>> count_latest_text(const std::string& key) const;

  // The points of each key under `plan` (see query_plan.hpp). Keys the device never sent are
  // answered with no points. Strings are not aggregated: their series holds the raw samples.
  std::vector<series_answer> query(const std::string& device_id, const std::vector<std::string>& keys,
                                   const query_plan& plan, aggregation agg, std::size_t limit) const;

  // Streams samples in order of device, key and time, without holding them: for reports.
  // `each` returns false to stop. Returns the rows seen.
  std::uint64_t each_sample(const sample_filter& filter, const std::function<bool(const sample_row&)>& each) const;

  // Retention: deletes, for `max_series` series from `after_series` on, what is older than
  // the cutoff `cutoff_of(key)` (0 = keep) in `table`. Returns the last series id visited
  // (0 when the pass is complete) and adds the rows deleted to `deleted`.
  std::int64_t delete_older(resolution table, std::int64_t after_series, std::size_t max_series,
                            const std::function<std::int64_t(const std::string& key)>& cutoff_of,
                            std::uint64_t& deleted);

 private:
  std::int64_t series_id(storage::connection& c, const std::string& device_id, const sample& s,
                         std::unordered_map<std::string, std::int64_t>& created);

  storage::database& db_;
  // Series ids by device id + '\n' + key, of committed series only (append is one writer).
  std::unordered_map<std::string, std::int64_t> series_;
};

}  // namespace mothership::telemetry
