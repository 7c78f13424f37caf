#include "provisioning/onboarding_store.hpp"

namespace mothership::provisioning {

std::string onboarding_request::stage() const {
  if (certificate_serial) return "awaiting_connection";
  if (device_id) return "awaiting_device";
  return "awaiting_approval";
}

namespace onboarding_store {

namespace {

constexpr const char* columns =
    "serial, csr, model, firmware_version, hello_at, source, approved_by, approved_at, device_id,"
    " certificate_serial, issued_at, created_at, updated_at";

onboarding_request from_row(const storage::row& r) {
  onboarding_request o;
  o.serial = r.text(0);
  o.csr = r.opt_text(1);
  o.model = r.opt_text(2);
  o.firmware_version = r.opt_text(3);
  o.hello_at = r.opt_integer(4);
  o.source = r.opt_text(5);
  o.approved_by = r.opt_text(6);
  o.approved_at = r.opt_integer(7);
  o.device_id = r.opt_text(8);
  o.certificate_serial = r.opt_text(9);
  o.issued_at = r.opt_integer(10);
  o.created_at = r.integer(11);
  o.updated_at = r.integer(12);
  return o;
}

}  // namespace

std::optional<onboarding_request> find(storage::connection& c, const std::string& serial) {
  auto r = c.query_one("SELECT " + std::string(columns) + " FROM onboarding_requests WHERE serial = $1", {serial});
  if (!r) return std::nullopt;
  return from_row(*r);
}

std::vector<onboarding_request> list(storage::connection& c, int limit) {
  std::vector<onboarding_request> out;
  for (const auto& r :
       c.query("SELECT " + std::string(columns) + " FROM onboarding_requests ORDER BY updated_at DESC, serial LIMIT $1",
               {std::int64_t{limit}}))
    out.push_back(from_row(r));
  return out;
}

void save(storage::connection& c, const onboarding_request& r) {
  c.execute("DELETE FROM onboarding_requests WHERE serial = $1", {r.serial});
  c.execute("INSERT INTO onboarding_requests (" + std::string(columns) +
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            {r.serial, storage::nullable(r.csr), storage::nullable(r.model), storage::nullable(r.firmware_version),
             storage::nullable(r.hello_at), storage::nullable(r.source), storage::nullable(r.approved_by),
             storage::nullable(r.approved_at), storage::nullable(r.device_id), storage::nullable(r.certificate_serial),
             storage::nullable(r.issued_at), r.created_at, r.updated_at});
}

void remove(storage::connection& c, const std::string& serial) {
  c.execute("DELETE FROM onboarding_requests WHERE serial = $1", {serial});
}

}  // namespace onboarding_store
}  // namespace mothership::provisioning
