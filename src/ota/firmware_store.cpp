#include "ota/firmware_store.hpp"

#include <map>

namespace mothership::ota::firmware_store {

namespace {

constexpr const char* columns =
    "id, version, description, release_notes, filename, blob_id, size, sha256, signature, signed_by, uploaded_by,"
    " created_at";

firmware from_row(const storage::row& r) {
  firmware f;
  f.id = r.text(0);
  f.version = r.text(1);
  f.description = r.text(2);
  f.release_notes = r.text(3);
  f.filename = r.text(4);
  f.blob_id = r.text(5);
  f.size = static_cast<std::uint64_t>(r.integer(6));
  f.sha256 = r.text(7);
  f.signature = r.opt_text(8);
  f.signed_by = r.opt_text(9);
  f.uploaded_by = r.text(10);
  f.created_at = r.integer(11);
  return f;
}

std::string placeholders(std::size_t first, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += (i ? ", $" : "$") + std::to_string(first + i);
  return out;
}

// Fills in each firmware's models with one query per page.
void attach_models(storage::connection& c, std::vector<firmware>& items) {
  if (items.empty()) return;
  storage::params p;
  for (const auto& f : items) p.push_back(f.id);
  std::map<std::string, std::vector<std::string>> models;
  for (const auto& r : c.query("SELECT firmware_id, model FROM firmware_models WHERE firmware_id IN (" +
                                   placeholders(1, p.size()) + ") ORDER BY model",
                               p))
    models[r.text(0)].push_back(r.text(1));
  for (auto& f : items) f.models = std::move(models[f.id]);
}

}  // namespace

void insert(storage::connection& c, const firmware& f) {
  c.execute(
      "INSERT INTO firmware (" + std::string(columns) + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
      {f.id, f.version, f.description, f.release_notes, f.filename, f.blob_id, static_cast<std::int64_t>(f.size),
       f.sha256, storage::nullable(f.signature), storage::nullable(f.signed_by), f.uploaded_by, f.created_at});
  for (const auto& model : f.models)
    c.execute("INSERT INTO firmware_models (firmware_id, model, version) VALUES ($1, $2, $3)",
              {f.id, model, f.version});
}

std::optional<firmware> find(storage::connection& c, const std::string& id) {
  auto r = c.query_one("SELECT " + std::string(columns) + " FROM firmware WHERE id = $1", {id});
  if (!r) return std::nullopt;
  std::vector<firmware> one{from_row(*r)};
  attach_models(c, one);
  return std::move(one.front());
}

std::vector<std::string> models_with_version(storage::connection& c, const std::vector<std::string>& models,
                                             const std::string& version) {
  if (models.empty()) return {};
  storage::params p{version};
  for (const auto& m : models) p.push_back(m);
  std::vector<std::string> out;
  for (const auto& r : c.query("SELECT model FROM firmware_models WHERE version = $1 AND model IN (" +
                                   placeholders(2, models.size()) + ") ORDER BY model",
                               p))
    out.push_back(r.text(0));
  return out;
}

std::vector<firmware> list(storage::connection& c, const list_filter& f) {
  std::string sql = "SELECT " + std::string(columns) + " FROM firmware WHERE 1 = 1";
  storage::params p;
  if (f.model) {
    p.push_back(*f.model);
    sql += " AND EXISTS (SELECT 1 FROM firmware_models m WHERE m.firmware_id = firmware.id AND m.model = $" +
           std::to_string(p.size()) + ")";
  }
  if (f.before) {
    p.push_back(f.before->first);
    auto at = "$" + std::to_string(p.size());
    p.push_back(f.before->second);
    auto id = "$" + std::to_string(p.size());
    sql += " AND (created_at < " + at + " OR (created_at = " + at + " AND id < " + id + "))";
  }
  p.push_back(std::int64_t{f.limit});
  sql += " ORDER BY created_at DESC, id DESC LIMIT $" + std::to_string(p.size());
  std::vector<firmware> out;
  for (const auto& r : c.query(sql, p)) out.push_back(from_row(r));
  attach_models(c, out);
  return out;
}

void update_notes(storage::connection& c, const std::string& id, const std::string& description,
                  const std::string& release_notes) {
  c.execute("UPDATE firmware SET description = $2, release_notes = $3 WHERE id = $1", {id, description, release_notes});
}

bool remove(storage::connection& c, const std::string& id) {
  // firmware_models rows go with it (ON DELETE CASCADE); deleted explicitly as well, so the
  // statement does not depend on foreign keys being enforced.
  c.execute("DELETE FROM firmware_models WHERE firmware_id = $1", {id});
  return c.execute("DELETE FROM firmware WHERE id = $1", {id}) > 0;
}

}  // namespace mothership::ota::firmware_store
