#include "provisioning/template_store.hpp"

namespace mothership::provisioning::template_store {

std::string labels_for(storage::connection& c, const std::string& model) {
  auto r = c.query_one("SELECT labels FROM provisioning_templates WHERE model = $1", {model});
  return r ? r->text(0) : "{}";
}

std::vector<provisioning_template> list(storage::connection& c) {
  std::vector<provisioning_template> out;
  for (const auto& r :
       c.query("SELECT model, labels, updated_by, updated_at FROM provisioning_templates ORDER BY model"))
    out.push_back({r.text(0), r.text(1), r.opt_text(2), r.integer(3)});
  return out;
}

void save(storage::connection& c, const provisioning_template& t) {
  c.execute(
      "INSERT INTO provisioning_templates (model, labels, updated_by, updated_at) VALUES ($1, $2, $3, $4)"
      " ON CONFLICT (model) DO UPDATE SET labels = excluded.labels, updated_by = excluded.updated_by,"
      " updated_at = excluded.updated_at",
      {t.model, t.labels_json, storage::nullable(t.updated_by), t.updated_at});
}

}  // namespace mothership::provisioning::template_store
