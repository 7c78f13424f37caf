#include "jobs/job_store.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace mothership::jobs::job_store {

namespace json = boost::json;

namespace {

constexpr const char* job_columns =
    "id, kind, firmware_id, status, targets, continuous, rollout, description, wave, wave_opens_at, reason,"
    " created_by, created_at, updated_at, completed_at";

constexpr const char* execution_columns =
    "job_id, device_id, status, seq, execution_number, version_number, released_at, started_at, timeout_at,"
    " status_details, step, percent, queued_at, updated_at, finished_at";

std::vector<std::string> strings_of(const json::value* v) {
  std::vector<std::string> out;
  if (v && v->is_array())
    for (const auto& item : v->as_array())
      if (item.is_string()) out.emplace_back(item.as_string());
  return out;
}

std::string targets_json(const job_targets& t) {
  json::array devices(t.devices.begin(), t.devices.end()), groups(t.groups.begin(), t.groups.end());
  return json::serialize(json::object{{"devices", devices}, {"groups", groups}, {"selector", t.selector}});
}

job_targets parse_targets(const std::string& text) {
  job_targets t;
  auto v = json::parse(text).as_object();
  t.devices = strings_of(v.if_contains("devices"));
  t.groups = strings_of(v.if_contains("groups"));
  if (auto* s = v.if_contains("selector"); s && s->is_string()) t.selector = std::string(s->as_string());
  return t;
}

job job_from_row(const storage::row& r) {
  job j;
  j.id = r.text(0);
  j.kind = r.text(1);
  j.firmware_id = r.text(2);
  j.status = parse_job_status(r.text(3)).value_or(job_status::canceled);
  j.targets = parse_targets(r.text(4));
  j.continuous = r.integer(5) != 0;
  // Written by this code from a checked configuration: it parses.
  j.rollout = parse_rollout(json::parse(r.text(6)).as_object()).config.value_or(rollout_config{});
  j.description = r.text(7);
  j.wave = static_cast<int>(r.integer(8));
  j.wave_opens_at = r.opt_integer(9);
  j.reason = r.opt_text(10);
  j.created_by = r.text(11);
  j.created_at = r.integer(12);
  j.updated_at = r.integer(13);
  j.completed_at = r.opt_integer(14);
  return j;
}

execution execution_from_row(const storage::row& r) {
  execution e;
  e.job_id = r.text(0);
  e.device_id = r.text(1);
  e.status = parse_execution_status(r.text(2)).value_or(execution_status::removed);
  e.seq = r.integer(3);
  e.execution_number = r.integer(4);
  e.version_number = r.integer(5);
  e.released_at = r.opt_integer(6);
  e.started_at = r.opt_integer(7);
  e.timeout_at = r.opt_integer(8);
  e.status_details = r.text(9);
  e.step = r.opt_text(10);
  e.percent = r.opt_integer(11);
  e.queued_at = r.integer(12);
  e.updated_at = r.integer(13);
  e.finished_at = r.opt_integer(14);
  return e;
}

std::vector<execution> executions_where(storage::connection& c, const std::string& where_and_order,
                                        const storage::params& p) {
  std::vector<execution> out;
  for (const auto& r :
       c.query("SELECT " + std::string(execution_columns) + " FROM job_executions " + where_and_order, p))
    out.push_back(execution_from_row(r));
  return out;
}

std::string status_list(const std::vector<execution_status>& statuses) {
  std::string out;
  for (auto s : statuses) out += (out.empty() ? "'" : ", '") + std::string(to_string(s)) + "'";
  return out;
}

}  // namespace

void insert(storage::connection& c, const job& j) {
  c.execute("INSERT INTO jobs (" + std::string(job_columns) +
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            {j.id, j.kind, j.firmware_id, std::string(to_string(j.status)), targets_json(j.targets),
             std::int64_t{j.continuous}, json::serialize(to_json(j.rollout)), j.description, std::int64_t{j.wave},
             storage::nullable(j.wave_opens_at), storage::nullable(j.reason), j.created_by, j.created_at, j.updated_at,
             storage::nullable(j.completed_at)});
}

std::optional<job> find(storage::connection& c, const std::string& id) {
  auto r = c.query_one("SELECT " + std::string(job_columns) + " FROM jobs WHERE id = $1", {id});
  if (!r) return std::nullopt;
  return job_from_row(*r);
}

void set_status(storage::connection& c, const std::string& id, job_status s, const std::optional<std::string>& reason,
                common::millis now) {
  std::optional<std::int64_t> completed;
  if (!is_active(s)) completed = now;
  c.execute(
      "UPDATE jobs SET status = $2, reason = COALESCE($3, reason), updated_at = $4, completed_at = $5 WHERE id = $1",
      {id, std::string(to_string(s)), storage::nullable(reason), now, storage::nullable(completed)});
}

void set_wave(storage::connection& c, const std::string& id, int wave, std::optional<common::millis> opens_at,
              common::millis now) {
  c.execute("UPDATE jobs SET wave = $2, wave_opens_at = $3, updated_at = $4 WHERE id = $1",
            {id, std::int64_t{wave}, storage::nullable(opens_at), now});
}

std::vector<job> list(storage::connection& c, const job_filter& f) {
  std::string sql = "SELECT " + std::string(job_columns) + " FROM jobs WHERE 1 = 1";
  storage::params p;
  if (f.status) {
    p.push_back(std::string(to_string(*f.status)));
    sql += " AND status = $" + std::to_string(p.size());
  }
  if (f.before) {
    p.push_back(f.before->first);
    auto at = "$" + std::to_string(p.size());
    p.push_back(f.before->second);
    sql += " AND (created_at < " + at + " OR (created_at = " + at + " AND id < $" + std::to_string(p.size()) + "))";
  }
  p.push_back(std::int64_t{f.limit});
  sql += " ORDER BY created_at DESC, id DESC LIMIT $" + std::to_string(p.size());
  std::vector<job> out;
  for (const auto& r : c.query(sql, p)) out.push_back(job_from_row(r));
  return out;
}

std::vector<job> active(storage::connection& c) {
  std::vector<job> out;
  for (const auto& r : c.query("SELECT " + std::string(job_columns) +
                               " FROM jobs WHERE status IN ('in_progress', 'paused') ORDER BY created_at, id"))
    out.push_back(job_from_row(r));
  return out;
}

bool firmware_in_use(storage::connection& c, const std::string& firmware_id) {
  return c
      .query_one("SELECT 1 FROM jobs WHERE firmware_id = $1 AND status IN ('in_progress', 'paused') LIMIT 1",
                 {firmware_id})
      .has_value();
}

void insert(storage::connection& c, const execution& e) {
  c.execute("INSERT INTO job_executions (" + std::string(execution_columns) +
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            {e.job_id, e.device_id, std::string(to_string(e.status)), e.seq, e.execution_number, e.version_number,
             storage::nullable(e.released_at), storage::nullable(e.started_at), storage::nullable(e.timeout_at),
             e.status_details, storage::nullable(e.step), storage::nullable(e.percent), e.queued_at, e.updated_at,
             storage::nullable(e.finished_at)});
}

std::optional<execution> find_execution(storage::connection& c, const std::string& job_id,
                                        const std::string& device_id) {
  auto found = executions_where(c, "WHERE job_id = $1 AND device_id = $2", {job_id, device_id});
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

void save(storage::connection& c, const execution& e) {
  c.execute(
      "UPDATE job_executions SET status = $3, execution_number = $4, version_number = $5, released_at = $6,"
      " started_at = $7, timeout_at = $8, status_details = $9, step = $10, percent = $11, updated_at = $12,"
      " finished_at = $13 WHERE job_id = $1 AND device_id = $2",
      {e.job_id, e.device_id, std::string(to_string(e.status)), e.execution_number, e.version_number,
       storage::nullable(e.released_at), storage::nullable(e.started_at), storage::nullable(e.timeout_at),
       e.status_details, storage::nullable(e.step), storage::nullable(e.percent), e.updated_at,
       storage::nullable(e.finished_at)});
}

std::vector<execution> executions(storage::connection& c, const std::string& job_id, const execution_filter& f) {
  std::string where = "WHERE job_id = $1 AND seq > $2";
  storage::params p{job_id, f.after_seq};
  if (f.status) {
    p.push_back(std::string(to_string(*f.status)));
    where += " AND status = $3";
  }
  p.push_back(std::int64_t{f.limit});
  return executions_where(c, where + " ORDER BY seq LIMIT $" + std::to_string(p.size()), p);
}

std::vector<execution> executions_of_device(storage::connection& c, const std::string& device_id, int limit) {
  return executions_where(c, "WHERE device_id = $1 ORDER BY queued_at DESC, job_id DESC LIMIT $2",
                          {device_id, std::int64_t{limit}});
}

std::vector<execution> pending_for_device(storage::connection& c, const std::string& device_id) {
  return executions_where(
      c,
      "WHERE device_id = $1 AND (status = 'IN_PROGRESS' OR (status = 'QUEUED' AND released_at IS NOT NULL AND"
      " job_id IN (SELECT id FROM jobs WHERE status = 'in_progress')))"
      " ORDER BY CASE status WHEN 'IN_PROGRESS' THEN 0 ELSE 1 END, released_at, job_id",
      {device_id});
}

std::set<std::string> busy_devices(storage::connection& c, const std::vector<std::string>& device_ids) {
  std::set<std::string> out;
  constexpr std::size_t chunk = 500;
  for (std::size_t i = 0; i < device_ids.size(); i += chunk) {
    std::size_t n = std::min(chunk, device_ids.size() - i);
    storage::params p;
    std::string in;
    for (std::size_t k = 0; k < n; ++k) {
      p.push_back(device_ids[i + k]);
      in += (k ? ", $" : "$") + std::to_string(k + 1);
    }
    for (const auto& r : c.query("SELECT DISTINCT device_id FROM job_executions WHERE device_id IN (" + in +
                                     ") AND status IN ('QUEUED', 'IN_PROGRESS') AND job_id IN"
                                     " (SELECT id FROM jobs WHERE status IN ('in_progress', 'paused'))",
                                 p))
      out.insert(r.text(0));
  }
  return out;
}

job_counts counts(storage::connection& c, const std::string& job_id) {
  job_counts out;
  for (const auto& r :
       c.query("SELECT status, COUNT(*), COUNT(released_at) FROM job_executions WHERE job_id = $1 GROUP BY status",
               {job_id})) {
    if (auto s = parse_execution_status(r.text(0))) out.by_status[*s] = r.integer(1);
    out.released += r.integer(2);
  }
  return out;
}

std::set<std::string> device_ids(storage::connection& c, const std::string& job_id) {
  std::set<std::string> out;
  for (const auto& r : c.query("SELECT device_id FROM job_executions WHERE job_id = $1", {job_id}))
    out.insert(r.text(0));
  return out;
}

std::int64_t next_seq(storage::connection& c, const std::string& job_id) {
  return c.query_one("SELECT COALESCE(MAX(seq), -1) + 1 FROM job_executions WHERE job_id = $1", {job_id})->integer(0);
}

std::int64_t released_since(storage::connection& c, const std::string& job_id, common::millis since) {
  return c.query_one("SELECT COUNT(*) FROM job_executions WHERE job_id = $1 AND released_at >= $2", {job_id, since})
      ->integer(0);
}

std::vector<std::string> release_next(storage::connection& c, const std::string& job_id, std::int64_t n,
                                      common::millis now) {
  std::vector<std::string> out;
  if (n <= 0) return out;
  for (const auto& r :
       c.query("UPDATE job_executions SET released_at = $3, updated_at = $3 WHERE job_id = $1 AND device_id IN"
               " (SELECT device_id FROM job_executions WHERE job_id = $1 AND released_at IS NULL AND status = 'QUEUED'"
               " ORDER BY seq LIMIT $2) RETURNING device_id",
               {job_id, n, now}))
    out.push_back(r.text(0));
  return out;
}

std::vector<execution> timed_out(storage::connection& c, common::millis now, int limit) {
  return executions_where(c,
                          "WHERE status = 'IN_PROGRESS' AND timeout_at IS NOT NULL AND timeout_at <= $1"
                          " ORDER BY timeout_at LIMIT $2",
                          {now, std::int64_t{limit}});
}

std::vector<execution> in_status(storage::connection& c, const std::string& job_id,
                                 const std::vector<execution_status>& from) {
  return executions_where(c, "WHERE job_id = $1 AND status IN (" + status_list(from) + ") ORDER BY seq", {job_id});
}

std::optional<applied_update> find_token(storage::connection& c, const std::string& job_id,
                                         const std::string& device_id, const std::string& client_token) {
  auto r = c.query_one(
      "SELECT version_number, status FROM job_update_tokens WHERE job_id = $1 AND device_id = $2 AND client_token = $3",
      {job_id, device_id, client_token});
  if (!r) return std::nullopt;
  return applied_update{r->integer(0), parse_execution_status(r->text(1)).value_or(execution_status::queued)};
}

void insert_token(storage::connection& c, const std::string& job_id, const std::string& device_id,
                  const std::string& client_token, const applied_update& u, common::millis now) {
  c.execute(
      "INSERT INTO job_update_tokens (job_id, device_id, client_token, version_number, status, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6)",
      {job_id, device_id, client_token, u.version_number, std::string(to_string(u.status)), now});
}

}  // namespace mothership::jobs::job_store
