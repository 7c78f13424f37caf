#pragma once
// Reports: asked for through the API, generated one at a time on a thread of their own by
// streaming the kind's rows (report_source) through a writer (CSV, JSON, NDJSON, gzip
// optional) and a bounded pipe into the blob store, so a report of a million rows never sits
// in memory. A ready report is offered by a signed link that names its blob and its user and
// expires (reports.link_ttl_s); after the retention period the blob is deleted. Requests,
// results and downloads are audited.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit_log.hpp"
#include "blob/store.hpp"
#include "reports/errors.hpp"
#include "reports/report.hpp"
#include "storage/database.hpp"

namespace mothership::reports {

struct report_settings {
  std::chrono::seconds link_ttl{900};
  int retention_days = 7;
  std::uint64_t max_bytes = std::uint64_t{16} << 30;
  std::chrono::seconds sweep_every{3600};
};

struct report_request {
  std::string kind;
  std::string format;
  bool gzip = false;
  boost::json::object filters;
};

class report_service {
 public:
  report_service(storage::database& db, audit::audit_log& audit, blob::store& blobs, report_settings settings);
  ~report_service();

  // Before start(): the kinds there are.
  void add_kind(std::string kind, std::unique_ptr<report_source> source);
  // Reports a restart interrupted are generated again; then the worker runs.
  void start();
  void stop();

  // Queued for generation (202 for the API). Audited as report.requested.
  result<report> create(const audit::change_author& by, const std::string& user_id, const report_request& r);
  // The user's own report (another user's is not found).
  result<report> find(const std::string& user_id, const std::string& id);
  std::vector<report> list(const std::string& user_id, int limit,
                           std::optional<std::pair<std::int64_t, std::string>> before);
  // A signed link to a ready report's file, for its user only, valid link_ttl.
  result<std::string> download_url(const std::string& user_id, const std::string& id);
  // Its blob was fetched through a link: audited as report.downloaded. False when the blob is
  // not a report's (firmware).
  bool note_download(const std::string& blob_id, const std::string& user_id, const std::string& source);

  // Deletes what is past its retention at `now`; returns how many. (The worker calls it.)
  std::size_t sweep(std::int64_t now);
  // Waits until nothing is queued or running (tests).
  void wait_idle();

  const report_settings& settings() const { return settings_; }

 private:
  void run();
  void generate(const std::string& id);
  std::string file_name(const report& r) const;

  storage::database& db_;
  audit::audit_log& audit_;
  blob::store& blobs_;
  report_settings settings_;
  std::map<std::string, std::unique_ptr<report_source>> kinds_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::string> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace mothership::reports
