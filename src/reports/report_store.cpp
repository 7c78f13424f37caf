#include "reports/report_store.hpp"

namespace mothership::reports {

std::string_view name(status s) {
  switch (s) {
    case status::queued:
      return "queued";
    case status::running:
      return "running";
    case status::ready:
      return "ready";
    case status::failed:
      return "failed";
    case status::expired:
      return "expired";
  }
  return "queued";
}

std::optional<status> parse_status(std::string_view text) {
  for (auto s : {status::queued, status::running, status::ready, status::failed, status::expired})
    if (name(s) == text) return s;
  return std::nullopt;
}

namespace report_store {

namespace {

constexpr const char* columns =
    "id, user_id, kind, format, gzip, filters, status, rows_written, bytes, blob_id, sha256, error, created_at,"
    " started_at, finished_at, expires_at";

report from_row(const storage::row& r) {
  report out;
  out.id = r.text(0);
  out.user_id = r.text(1);
  out.kind = r.text(2);
  out.format = parse_format(r.text(3)).value_or(format::csv);
  out.gzip = r.integer(4) != 0;
  out.filters_json = r.text(5);
  out.status = parse_status(r.text(6)).value_or(status::failed);
  out.rows = r.integer(7);
  out.bytes = r.integer(8);
  out.blob_id = r.opt_text(9);
  out.sha256 = r.opt_text(10);
  out.error = r.opt_text(11);
  out.created_at = r.integer(12);
  out.started_at = r.opt_integer(13);
  out.finished_at = r.opt_integer(14);
  out.expires_at = r.opt_integer(15);
  return out;
}

std::vector<report> many(storage::connection& c, const std::string& sql, const storage::params& p) {
  std::vector<report> out;
  c.query_each(sql, p, [&](const storage::row& r) {
    out.push_back(from_row(r));
    return true;
  });
  return out;
}

}  // namespace

void insert(storage::connection& c, const report& r) {
  c.execute(
      "INSERT INTO reports (id, user_id, kind, format, gzip, filters, status, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {r.id, r.user_id, r.kind, std::string(name(r.format)), std::int64_t{r.gzip}, r.filters_json,
       std::string(name(r.status)), r.created_at});
}

std::optional<report> find(storage::connection& c, const std::string& id) {
  auto r = c.query_one(std::string("SELECT ") + columns + " FROM reports WHERE id = $1", {id});
  if (!r) return std::nullopt;
  return from_row(*r);
}

std::vector<report> list_for(storage::connection& c, const std::string& user_id, int limit,
                             std::optional<std::pair<std::int64_t, std::string>> before) {
  if (before)
    return many(c,
                std::string("SELECT ") + columns +
                    " FROM reports WHERE user_id = $1 AND (created_at < $2 OR (created_at = $2 AND id < $3))"
                    " ORDER BY created_at DESC, id DESC LIMIT $4",
                {user_id, before->first, before->second, std::int64_t{limit}});
  return many(
      c,
      std::string("SELECT ") + columns + " FROM reports WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
      {user_id, std::int64_t{limit}});
}

std::vector<std::string> with_status(storage::connection& c, status s) {
  std::vector<std::string> out;
  c.query_each("SELECT id FROM reports WHERE status = $1 ORDER BY created_at, id", {std::string(name(s))},
               [&](const storage::row& r) {
                 out.push_back(r.text(0));
                 return true;
               });
  return out;
}

std::optional<report> find_by_blob(storage::connection& c, const std::string& blob_id) {
  auto r = c.query_one(std::string("SELECT ") + columns + " FROM reports WHERE blob_id = $1", {blob_id});
  if (!r) return std::nullopt;
  return from_row(*r);
}

std::vector<report> past_retention(storage::connection& c, std::int64_t now, int limit) {
  return many(c,
              std::string("SELECT ") + columns +
                  " FROM reports WHERE status IN ('ready', 'failed') AND expires_at < $1 ORDER BY expires_at LIMIT $2",
              {now, std::int64_t{limit}});
}

void set_running(storage::connection& c, const std::string& id, std::int64_t now) {
  c.execute("UPDATE reports SET status = 'running', started_at = $2, rows_written = 0 WHERE id = $1", {id, now});
}

void set_progress(storage::connection& c, const std::string& id, std::int64_t rows) {
  c.execute("UPDATE reports SET rows_written = $2 WHERE id = $1", {id, rows});
}

void set_ready(storage::connection& c, const std::string& id, std::int64_t rows, std::int64_t bytes,
               const std::string& blob_id, const std::string& sha256, std::int64_t now, std::int64_t expires_at) {
  c.execute(
      "UPDATE reports SET status = 'ready', rows_written = $2, bytes = $3, blob_id = $4, sha256 = $5,"
      " finished_at = $6, expires_at = $7 WHERE id = $1",
      {id, rows, bytes, blob_id, sha256, now, expires_at});
}

void set_failed(storage::connection& c, const std::string& id, const std::string& error, std::int64_t now,
                std::int64_t expires_at) {
  c.execute("UPDATE reports SET status = 'failed', error = $2, finished_at = $3, expires_at = $4 WHERE id = $1",
            {id, error, now, expires_at});
}

void set_expired(storage::connection& c, const std::string& id) {
  c.execute("UPDATE reports SET status = 'expired', blob_id = NULL WHERE id = $1", {id});
}

void requeue_running(storage::connection& c) {
  c.execute("UPDATE reports SET status = 'queued', rows_written = 0 WHERE status = 'running'");
}

}  // namespace report_store
}  // namespace mothership::reports
