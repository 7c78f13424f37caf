#include "audit/export_check.hpp"

#include <boost/json/parse.hpp>
#include <map>

#include "audit/audit_log.hpp"

namespace mothership::audit {

namespace json = boost::json;

namespace {

struct exported {
  std::int64_t id = 0;
  std::int64_t time_ms = 0;
  event what;
  std::string details;
  std::string prev_hash;
  std::string hash;
};

// The entry on one line, or why it is not one.
std::variant<exported, std::string> read_entry(const std::string& line) {
  boost::system::error_code ec;
  auto parsed = json::parse(line, ec);
  if (ec || !parsed.is_object()) return std::string("not a JSON object (export the audit report as NDJSON)");
  const auto& o = parsed.as_object();
  exported e;
  auto text = [&](const char* key, std::string& into) {
    auto* v = o.if_contains(key);
    if (!v || !v->is_string()) return false;
    into = std::string(v->as_string());
    return true;
  };
  auto integer = [&](const char* key, std::int64_t& into) {
    auto* v = o.if_contains(key);
    if (!v || !v->is_int64()) return false;
    into = v->as_int64();
    return true;
  };
  std::string result;
  if (!integer("id", e.id) || !integer("time_ms", e.time_ms) || !text("actor_type", e.what.by.type) ||
      !text("actor_id", e.what.by.id) || !text("action", e.what.action) || !text("target_type", e.what.target_type) ||
      !text("target_id", e.what.target_id) || !text("result", result) || !text("source", e.what.source) ||
      !text("details", e.details) || !text("prev_hash", e.prev_hash) || !text("hash", e.hash))
    return std::string("not an audit entry with its chain hashes (id, time_ms, ..., prev_hash, hash)");
  auto outcome = parse_outcome(result);
  if (!outcome) return std::string("result is not success, failure or denied");
  e.what.result = *outcome;
  return e;
}

}  // namespace

export_report check_export(const std::function<std::optional<std::string>()>& next_line,
                           const std::function<void(std::int64_t id, const std::string& hash)>& each) {
  export_report out;
  // id -> (hash, prev_hash) of the entries read so far: links are checked whatever the order
  // (reports list the newest first). Two strings per entry: an export of a million entries
  // takes some 200 MB here, which an offline check can afford.
  std::map<std::int64_t, std::pair<std::string, std::string>> seen;
  auto fail = [&](std::int64_t id, std::int64_t line, std::string why) {
    out.first_bad_id = id;
    out.first_bad_line = line;
    out.reason = std::move(why);
    return out;
  };
  std::int64_t line_no = 0;
  while (auto line = next_line()) {
    ++line_no;
    if (line->empty()) continue;
    auto read = read_entry(*line);
    if (auto* why = std::get_if<std::string>(&read))
      return fail(0, line_no, "line " + std::to_string(line_no) + ": " + *why);
    auto& e = std::get<exported>(read);
    if (chain_hash(e.prev_hash, e.id, e.time_ms, e.what, e.details) != e.hash)
      return fail(e.id, line_no,
                  "entry " + std::to_string(e.id) + " was modified (its hash does not match its fields)");
    if (!seen.emplace(e.id, std::pair{e.hash, e.prev_hash}).second)
      return fail(e.id, line_no, "entry " + std::to_string(e.id) + " appears twice");
    ++out.entries;
    if (each) each(e.id, e.hash);
    if (!out.newest_id || e.id > *out.newest_id) {
      out.newest_id = e.id;
      out.newest_hash = e.hash;
    }
  }
  for (auto it = seen.begin(); it != seen.end(); ++it) {
    auto next = std::next(it);
    if (next == seen.end()) break;
    if (next->first != it->first + 1) {
      ++out.gaps;
      continue;
    }
    ++out.links;
    if (next->second.second != it->second.first)
      return fail(next->first, 0,
                  "entry " + std::to_string(next->first) + " does not follow entry " + std::to_string(it->first) +
                      " (its prev_hash is not that entry's hash: an entry was changed or removed)");
  }
  if (out.entries == 0) out.reason = "the export holds no audit entries";
  return out;
}

}  // namespace mothership::audit
