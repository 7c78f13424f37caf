#include "reports/report_service.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "reports/chunk_pipe.hpp"
#include "reports/gzip_sink.hpp"
#include "reports/report_store.hpp"
#include "reports/row_writer.hpp"

namespace mothership::reports {

namespace {

constexpr std::int64_t day_ms = 86'400'000;
// Progress is written at most this often while a report runs.
constexpr auto progress_every = std::chrono::seconds(1);

audit::event event_of(const report& r, std::string action, audit::actor by, std::string source) {
  audit::event e;
  e.by = std::move(by);
  e.action = std::move(action);
  e.target_type = "report";
  e.target_id = r.id;
  e.source = std::move(source);
  e.details = {{"kind", r.kind}, {"format", std::string(name(r.format))}, {"gzip", r.gzip}};
  return e;
}

}  // namespace

report_service::report_service(storage::database& db, audit::audit_log& audit, blob::store& blobs,
                               report_settings settings)
    : db_(db), audit_(audit), blobs_(blobs), settings_(settings) {}

report_service::~report_service() {
  stop();
}

void report_service::add_kind(std::string kind, std::unique_ptr<report_source> source) {
  kinds_[std::move(kind)] = std::move(source);
}

void report_service::start() {
  std::vector<std::string> pending;
  db_.write([&](storage::connection& c) {
    report_store::requeue_running(c);
    pending = report_store::with_status(c, status::queued);
  });
  {
    std::lock_guard lock(mutex_);
    queue_.insert(queue_.end(), pending.begin(), pending.end());
  }
  worker_ = std::thread([this] { run(); });
}

void report_service::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

result<report> report_service::create(const audit::change_author& by, const std::string& user_id,
                                      const report_request& req) {
  auto kind = kinds_.find(req.kind);
  if (kind == kinds_.end()) return refusal{errc::unknown_kind, {}};
  auto f = parse_format(req.format);
  if (!f) return refusal{errc::invalid_format, {}};
  if (auto wrong = kind->second->check(req.filters)) return refusal{errc::invalid_filters, *wrong};

  report r;
  r.id = common::new_id("rep");
  r.user_id = user_id;
  r.kind = req.kind;
  r.format = *f;
  r.gzip = req.gzip;
  r.filters_json = audit::canonical_json(req.filters);
  r.created_at = common::now_ms();
  db_.write([&](storage::connection& c) {
    report_store::insert(c, r);
    auto e = event_of(r, "report.requested", by.by, by.source);
    e.details["filters"] = req.filters;
    audit_.append(c, e);
  });
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(r.id);
  }
  wake_.notify_all();
  return r;
}

result<report> report_service::find(const std::string& user_id, const std::string& id) {
  auto r = db_.read_result([&](storage::connection& c) { return report_store::find(c, id); });
  if (!r || r->user_id != user_id) return refusal{errc::report_not_found, {}};
  return *r;
}

std::vector<report> report_service::list(const std::string& user_id, int limit,
                                         std::optional<std::pair<std::int64_t, std::string>> before) {
  return db_.read_result(
      [&](storage::connection& c) { return report_store::list_for(c, user_id, limit, std::move(before)); });
}

std::string report_service::file_name(const report& r) const {
  return "report-" + r.kind + "-" + r.id + "." + std::string(file_extension(r.format)) + (r.gzip ? ".gz" : "");
}

result<std::string> report_service::download_url(const std::string& user_id, const std::string& id) {
  auto r = find(user_id, id);
  if (!r) return r.error();
  if (r->status == status::queued || r->status == status::running) return refusal{errc::report_not_ready, {}};
  if (r->status != status::ready || !r->blob_id) return refusal{errc::report_unavailable, {}};
  return blobs_.download_url(*r->blob_id, {user_id, settings_.link_ttl, file_name(*r)});
}

bool report_service::note_download(const std::string& blob_id, const std::string& user_id, const std::string& source) {
  auto r = db_.read_result([&](storage::connection& c) { return report_store::find_by_blob(c, blob_id); });
  if (!r) return false;
  audit_.append(event_of(*r, "report.downloaded", {"user", user_id}, source));
  return true;
}

std::size_t report_service::sweep(std::int64_t now) {
  auto due = db_.read_result([&](storage::connection& c) { return report_store::past_retention(c, now, 1000); });
  for (const auto& r : due) {
    if (r.blob_id) blobs_.remove(*r.blob_id);
    db_.write([&](storage::connection& c) {
      report_store::set_expired(c, r.id);
      audit_.append(c, event_of(r, "report.deleted", {"system", "retention"}, ""));
    });
  }
  return due.size();
}

void report_service::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return (queue_.empty() && !busy_) || stopping_; });
}

void report_service::run() {
  auto next_sweep = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (std::chrono::steady_clock::now() >= next_sweep) {
      lock.unlock();
      try {
        if (auto n = sweep(common::now_ms())) spdlog::info("reports: deleted {} past their retention", n);
      } catch (const std::exception& e) {
        spdlog::error("reports: retention failed: {}", e.what());
      }
      lock.lock();
      next_sweep = std::chrono::steady_clock::now() + settings_.sweep_every;
    }
    if (queue_.empty()) {
      idle_.notify_all();
      wake_.wait_until(lock, next_sweep, [&] { return !queue_.empty() || stopping_; });
      continue;
    }
    auto id = queue_.front();
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    try {
      generate(id);
    } catch (const std::exception& e) {
      spdlog::error("report {}: {}", id, e.what());
    }
    lock.lock();
    busy_ = false;
  }
  idle_.notify_all();
}

void report_service::generate(const std::string& id) {
  auto found = db_.read_result([&](storage::connection& c) { return report_store::find(c, id); });
  if (!found || found->status != status::queued) return;
  report r = *found;
  const auto started = common::now_ms();
  db_.write([&](storage::connection& c) { report_store::set_running(c, id, started); });
  auto fail = [&](const std::string& why) {
    const auto now = common::now_ms();
    db_.write([&](storage::connection& c) {
      report_store::set_failed(c, id, why, now, now + settings_.retention_days * day_ms);
      auto e = event_of(r, "report.generated", {"system", "reports"}, "");
      e.result = audit::outcome::failure;
      e.details["error"] = why;
      audit_.append(c, e);
    });
    spdlog::warn("report {} failed: {}", id, why);
  };
  auto kind = kinds_.find(r.kind);
  if (kind == kinds_.end()) return fail("this server has no reports of kind " + r.kind);
  boost::system::error_code ec;
  auto filters = boost::json::parse(r.filters_json, ec);
  if (ec || !filters.is_object()) return fail("the stored filters do not parse");

  // The writer runs on a thread of its own, pushing into the pipe that put() pulls from.
  chunk_pipe pipe;
  std::int64_t rows = 0;
  std::string producer_error;
  std::thread producer([&] {
    try {
      std::unique_ptr<gzip_sink> zipped;
      byte_sink* out = &pipe;
      if (r.gzip) {
        zipped = std::make_unique<gzip_sink>(pipe);
        out = zipped.get();
      }
      auto writer = make_writer(r.format, *out);
      writer->begin(kind->second->columns());
      auto last_progress = std::chrono::steady_clock::now();
      kind->second->each(filters.as_object(), [&](const std::vector<cell>& cells) {
        writer->row(cells);
        ++rows;
        if ((rows & 1023) == 0 && std::chrono::steady_clock::now() - last_progress >= progress_every) {
          last_progress = std::chrono::steady_clock::now();
          db_.write([&](storage::connection& c) { report_store::set_progress(c, id, rows); });
        }
        return true;
      });
      writer->end();
    } catch (const std::exception& e) {
      producer_error = e.what();
      pipe.fail(e.what());
    }
  });
  auto stored = blobs_.put(pipe, settings_.max_bytes);
  if (!stored) pipe.abandon();
  producer.join();
  if (!producer_error.empty()) return fail(producer_error);
  if (!stored) return fail("the blob store refused the report: " + stored.error().message());

  const auto now = common::now_ms();
  db_.write([&](storage::connection& c) {
    report_store::set_ready(c, id, rows, static_cast<std::int64_t>(stored->size), stored->id, stored->sha256, now,
                            now + settings_.retention_days * day_ms);
    auto e = event_of(r, "report.generated", {"system", "reports"}, "");
    e.details["rows"] = rows;
    e.details["bytes"] = stored->size;
    e.details["sha256"] = stored->sha256;
    audit_.append(c, e);
  });
  spdlog::info("report {} ready: {} rows, {} bytes in {} ms", id, rows, stored->size, now - started);
}

}  // namespace mothership::reports
