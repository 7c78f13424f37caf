#include "audit/audit_log.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/encoding.hpp"

namespace mothership::audit {

namespace json = boost::json;

namespace {

const std::string genesis_hash(64, '0');

void write_canonical(const json::value& v, std::string& out) {
  if (const json::object* obj = v.if_object()) {
    std::vector<const json::key_value_pair*> members;
    for (const auto& kv : *obj) members.push_back(&kv);
    std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
    out += '{';
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (i) out += ',';
      out += json::serialize(json::string(members[i]->key()));
      out += ':';
      write_canonical(members[i]->value(), out);
    }
    out += '}';
  } else if (const json::array* arr = v.if_array()) {
    out += '[';
    for (std::size_t i = 0; i < arr->size(); ++i) {
      if (i) out += ',';
      write_canonical((*arr)[i], out);
    }
    out += ']';
  } else {
    out += json::serialize(v);
  }
}

std::string entry_hash(const std::string& prev_hash, std::int64_t id, common::millis time, const event& e,
                       const std::string& details_canonical) {
  json::object o;
  o["id"] = id;
  o["time_ms"] = time;
  o["actor_type"] = e.by.type;
  o["actor_id"] = e.by.id;
  o["action"] = e.action;
  o["target_type"] = e.target_type;
  o["target_id"] = e.target_id;
  o["result"] = to_string(e.result);
  o["source"] = e.source;
  o["details"] = details_canonical;  // already canonical text: hashed as a string
  o["prev_hash"] = prev_hash;
  return common::sha256_hex(prev_hash + canonical_json(o));
}

constexpr const char* columns =
    "id, time_ms, actor_type, actor_id, action, target_type, target_id, result, source, details, prev_hash, hash";

entry entry_from(const storage::row& r) {
  entry e;
  e.id = r.integer(0);
  e.time = r.integer(1);
  e.what.by = {r.text(2), r.text(3)};
  e.what.action = r.text(4);
  e.what.target_type = r.text(5);
  e.what.target_id = r.text(6);
  e.what.result = parse_outcome(r.text(7)).value_or(outcome::failure);
  e.what.source = r.text(8);
  boost::system::error_code ec;
  json::value details = json::parse(r.text(9), ec);
  if (!ec && details.is_object()) e.what.details = std::move(details.as_object());
  e.prev_hash = r.text(10);
  e.hash = r.text(11);
  return e;
}

}  // namespace

const char* to_string(outcome o) {
  switch (o) {
    case outcome::success:
      return "success";
    case outcome::failure:
      return "failure";
    case outcome::denied:
      return "denied";
  }
  return "failure";
}

std::optional<outcome> parse_outcome(std::string_view text) {
  if (text == "success") return outcome::success;
  if (text == "failure") return outcome::failure;
  if (text == "denied") return outcome::denied;
  return std::nullopt;
}

std::string chain_hash(const std::string& prev_hash, std::int64_t id, common::millis time, const event& e,
                       const std::string& details_canonical) {
  return entry_hash(prev_hash, id, time, e, details_canonical);
}

std::string canonical_json(const json::value& v) {
  std::string out;
  write_canonical(v, out);
  return out;
}

entry audit_log::append(const event& e) {
  return db_.write_result([&](storage::connection& c) { return append(c, e); });
}

entry audit_log::append(storage::connection& c, const event& e) {
  entry out;
  out.what = e;
  out.time = common::now_ms();
  auto head = c.query_one("SELECT last_id, last_hash FROM audit_head WHERE singleton = 1");
  out.id = head ? head->integer(0) + 1 : 1;
  out.prev_hash = head ? head->text(1) : genesis_hash;
  std::string details = canonical_json(e.details);
  out.hash = entry_hash(out.prev_hash, out.id, out.time, e, details);
  c.execute(
      "INSERT INTO audit_log (" + std::string(columns) + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
      {out.id, out.time, e.by.type, e.by.id, e.action, e.target_type, e.target_id, std::string(to_string(e.result)),
       e.source, details, out.prev_hash, out.hash});
  c.execute(
      "INSERT INTO audit_head (singleton, last_id, last_hash) VALUES (1, $1, $2)"
      " ON CONFLICT (singleton) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash",
      {out.id, out.hash});
  return out;
}

page audit_log::find(const filter& f) {
  std::string sql = "SELECT " + std::string(columns) + " FROM audit_log WHERE 1 = 1";
  storage::params p;
  auto add = [&](const char* clause, storage::value v) {
    p.push_back(std::move(v));
    sql += " AND ";
    sql += clause;
    sql += " $" + std::to_string(p.size());
  };
  if (f.actor_type) add("actor_type =", *f.actor_type);
  if (f.actor_id) add("actor_id =", *f.actor_id);
  if (f.action) add("action =", *f.action);
  if (f.target_type) add("target_type =", *f.target_type);
  if (f.target_id) add("target_id =", *f.target_id);
  if (f.result) add("result =", std::string(to_string(*f.result)));
  if (f.since) add("time_ms >=", *f.since);
  if (f.until) add("time_ms <=", *f.until);
  if (f.before_id) add("id <", *f.before_id);
  int limit = std::clamp(f.limit, 1, 500);
  sql += " ORDER BY id DESC LIMIT " + std::to_string(limit + 1);
  auto rows = db_.read_result([&](storage::connection& c) { return c.query(sql, p); });
  page out;
  for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(limit); ++i)
    out.items.push_back(entry_from(rows[i]));
  if (rows.size() > static_cast<std::size_t>(limit)) out.next_before_id = out.items.back().id;
  return out;
}

std::optional<std::string> audit_log::hash_of(std::int64_t id) {
  auto r = db_.read_result(
      [&](storage::connection& c) { return c.query_one("SELECT hash FROM audit_log WHERE id = $1", {id}); });
  if (!r) return std::nullopt;
  return r->text(0);
}

verify_report audit_log::verify() {
  verify_report report;
  db_.read([&](storage::connection& c) {
    std::int64_t expected_id = 1;
    std::string prev_hash = genesis_hash;
    // Walk in batches so a large log is not held in memory at once.
    for (;;) {
      auto rows = c.query("SELECT " + std::string(columns) + " FROM audit_log WHERE id >= $1 ORDER BY id LIMIT 1000",
                          {expected_id});
      if (rows.empty()) break;
      for (const auto& r : rows) {
        std::int64_t id = r.integer(0);
        auto fail = [&](std::int64_t at, std::string why) {
          report.first_bad_id = at;
          report.reason = std::move(why);
        };
        if (id != expected_id) {
          fail(expected_id,
               "entry " + std::to_string(expected_id) + " is missing (next present is " + std::to_string(id) + ")");
          return;
        }
        event e;
        e.by = {r.text(2), r.text(3)};
        e.action = r.text(4);
        e.target_type = r.text(5);
        e.target_id = r.text(6);
        auto result = parse_outcome(r.text(7));
        e.source = r.text(8);
        if (!result) return fail(id, "entry " + std::to_string(id) + " has an unknown result");
        e.result = *result;
        if (r.text(10) != prev_hash)
          return fail(id, "entry " + std::to_string(id) + " does not link to its predecessor");
        if (entry_hash(prev_hash, id, r.integer(1), e, r.text(9)) != r.text(11))
          return fail(id, "entry " + std::to_string(id) + " was modified (hash mismatch)");
        prev_hash = r.text(11);
        ++expected_id;
        ++report.checked;
      }
    }
    auto head = c.query_one("SELECT last_id, last_hash FROM audit_head WHERE singleton = 1");
    std::int64_t last = expected_id - 1;
    report.head_hash = prev_hash;
    if (head && (head->integer(0) != last || head->text(1) != prev_hash)) {
      report.first_bad_id = last + 1;
      report.reason = "entries after " + std::to_string(last) + " are missing (log head says " +
                      std::to_string(head->integer(0)) + ")";
    } else if (!head && last > 0) {
      report.first_bad_id = 1;
      report.reason = "the log head record is missing";
    }
  });
  return report;
}

}  // namespace mothership::audit
