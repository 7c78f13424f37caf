#include "registry/record_store.hpp"

#include "storage/like.hpp"

namespace mothership::registry::record_store {

namespace {

constexpr const char* columns =
    "serial, model, hw_revision, claim_code_hash, factory_cert_sha256, batch, status, device_id, claim_failures,"
    " locked_at, imported_at, updated_at, locked_until, lock_count";

manufacturing_record from_row(const storage::row& r) {
  manufacturing_record m;
  m.serial = r.text(0);
  m.model = r.text(1);
  m.hw_revision = r.text(2);
  m.claim_code_hash = r.opt_text(3);
  m.factory_cert_sha256 = r.opt_text(4);
  m.batch = r.text(5);
  m.status = parse_record_status(r.text(6)).value_or(record_status::decommissioned);
  m.device_id = r.opt_text(7);
  m.claim_failures = static_cast<int>(r.integer(8));
  m.locked_at = r.opt_integer(9);
  m.imported_at = r.integer(10);
  m.updated_at = r.integer(11);
  m.locked_until = r.opt_integer(12);
  m.lock_count = static_cast<int>(r.integer(13));
  return m;
}

std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 1; i <= n; ++i) out += (i > 1 ? ", $" : "$") + std::to_string(i);
  return out;
}

// Runs `SELECT column ... WHERE column IN (...)` in chunks that stay under SQLite's limit of
// bound parameters.
std::vector<std::string> existing(storage::connection& c, const char* column, const std::vector<std::string>& keys) {
  constexpr std::size_t chunk = 500;
  std::vector<std::string> out;
  for (std::size_t i = 0; i < keys.size(); i += chunk) {
    std::size_t n = std::min(chunk, keys.size() - i);
    storage::params p(keys.begin() + static_cast<std::ptrdiff_t>(i), keys.begin() + static_cast<std::ptrdiff_t>(i + n));
    for (const auto& r : c.query(std::string("SELECT ") + column + " FROM manufacturing_records WHERE " + column +
                                     " IN (" + placeholders(n) + ")",
                                 p))
      out.push_back(r.text(0));
  }
  return out;
}

}  // namespace

void insert(storage::connection& c, const manufacturing_record& r) {
  c.execute("INSERT INTO manufacturing_records (" + std::string(columns) +
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            {r.serial, r.model, r.hw_revision, storage::nullable(r.claim_code_hash),
             storage::nullable(r.factory_cert_sha256), r.batch, std::string(registry::to_string(r.status)),
             storage::nullable(r.device_id), std::int64_t{r.claim_failures}, storage::nullable(r.locked_at),
             r.imported_at, r.updated_at, storage::nullable(r.locked_until), std::int64_t{r.lock_count}});
}

std::optional<manufacturing_record> find(storage::connection& c, const std::string& serial) {
  auto r = c.query_one("SELECT " + std::string(columns) + " FROM manufacturing_records WHERE serial = $1", {serial});
  if (!r) return std::nullopt;
  return from_row(*r);
}

std::optional<manufacturing_record> find_by_factory_cert(storage::connection& c, const std::string& sha256) {
  auto r = c.query_one("SELECT " + std::string(columns) + " FROM manufacturing_records WHERE factory_cert_sha256 = $1",
                       {sha256});
  if (!r) return std::nullopt;
  return from_row(*r);
}

std::vector<std::string> existing_serials(storage::connection& c, const std::vector<std::string>& serials) {
  return existing(c, "serial", serials);
}

std::vector<std::string> existing_fingerprints(storage::connection& c, const std::vector<std::string>& sha256s) {
  return existing(c, "factory_cert_sha256", sha256s);
}

std::vector<std::string> known_models(storage::connection& c, const std::vector<std::string>& models) {
  if (models.empty()) return {};
  storage::params p(models.begin(), models.end());
  std::vector<std::string> out;
  for (const auto& r : c.query(
           "SELECT DISTINCT model FROM manufacturing_records WHERE model IN (" + placeholders(models.size()) + ")", p))
    out.push_back(r.text(0));
  return out;
}

std::vector<manufacturing_record> list(storage::connection& c, const list_filter& f) {
  std::string sql = "SELECT " + std::string(columns) + " FROM manufacturing_records WHERE serial > $1";
  storage::params p{f.after_serial};
  if (!f.search.empty()) {
    p.push_back(storage::like_contains(f.search));
    auto n = "$" + std::to_string(p.size()) + std::string(storage::like_escape_clause);
    sql += " AND (serial LIKE " + n + " OR model LIKE " + n + " OR batch LIKE " + n + ")";
  }
  if (f.status) {
    p.push_back(std::string(registry::to_string(*f.status)));
    sql += " AND status = $" + std::to_string(p.size());
  }
  if (f.model) {
    p.push_back(*f.model);
    sql += " AND model = $" + std::to_string(p.size());
  }
  p.push_back(std::int64_t{f.limit});
  sql += " ORDER BY serial LIMIT $" + std::to_string(p.size());
  std::vector<manufacturing_record> out;
  for (const auto& r : c.query(sql, p)) out.push_back(from_row(r));
  return out;
}

void set_status(storage::connection& c, const std::string& serial, record_status s,
                const std::optional<std::string>& device_id, common::millis now) {
  c.execute("UPDATE manufacturing_records SET status = $2, device_id = $3, updated_at = $4 WHERE serial = $1",
            {serial, std::string(registry::to_string(s)), storage::nullable(device_id), now});
}

claim_failure record_claim_failure(storage::connection& c, const std::string& serial, const lock_policy& policy,
                                   common::millis now) {
  auto r = *find(c, serial);
  claim_failure out;
  if (r.lock_expired(now)) r.claim_failures = 0;  // the failures before a lock that ran out are spent
  ++r.claim_failures;
  if (r.claim_failures >= policy.after_failures) {
    ++r.lock_count;
    r.locked_at = now;
    r.locked_until = now + lock_duration_ms(r.lock_count, policy.base_s, policy.max_s);
    out.locked_now = true;
  }
  r.updated_at = now;
  c.execute(
      "UPDATE manufacturing_records SET claim_failures = $2, locked_at = $3, locked_until = $4, lock_count = $5,"
      " updated_at = $6 WHERE serial = $1",
      {serial, std::int64_t{r.claim_failures}, storage::nullable(r.locked_at), storage::nullable(r.locked_until),
       std::int64_t{r.lock_count}, now});
  out.record = std::move(r);
  return out;
}

void end_expired_lock(storage::connection& c, const std::string& serial, common::millis now) {
  c.execute(
      "UPDATE manufacturing_records SET claim_failures = 0, locked_at = NULL, locked_until = NULL, updated_at = $2"
      " WHERE serial = $1",
      {serial, now});
}

void clear_claim_failures(storage::connection& c, const std::string& serial, common::millis now) {
  c.execute(
      "UPDATE manufacturing_records SET claim_failures = 0, locked_at = NULL, locked_until = NULL, lock_count = 0,"
      " updated_at = $2 WHERE serial = $1",
      {serial, now});
}

}  // namespace mothership::registry::record_store
