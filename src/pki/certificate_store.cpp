#include "pki/certificate_store.hpp"

namespace mothership::pki::certificate_store {

namespace {

constexpr const char* columns =
    "serial, sha256, device_id, not_before, not_after, status, revoked_at, revocation_reason, created_at";

certificate_record from_row(const storage::row& r) {
  return {r.text(0), r.text(1),        r.text(2),     r.integer(3), r.integer(4),
          r.text(5), r.opt_integer(6), r.opt_text(7), r.integer(8)};
}

}  // namespace

void insert(storage::connection& c, const issued_certificate& cert, const std::string& device_id, std::int64_t now) {
  c.execute("UPDATE certificates SET status = 'superseded' WHERE device_id = $1 AND status = 'active'", {device_id});
  c.execute(
      "INSERT INTO certificates (" + std::string(columns) + ") VALUES ($1, $2, $3, $4, $5, 'active', NULL, NULL, $6)",
      {cert.serial, cert.sha256, device_id, cert.not_before_ms, cert.not_after_ms, now});
}

std::optional<certificate_record> find(storage::connection& c, const std::string& serial) {
  auto r = c.query_one("SELECT " + std::string(columns) + " FROM certificates WHERE serial = $1", {serial});
  if (!r) return std::nullopt;
  return from_row(*r);
}

std::vector<certificate_record> for_device(storage::connection& c, const std::string& device_id) {
  std::vector<certificate_record> out;
  for (const auto& r : c.query("SELECT " + std::string(columns) +
                                   " FROM certificates WHERE device_id = $1 ORDER BY created_at DESC, serial",
                               {device_id}))
    out.push_back(from_row(r));
  return out;
}

std::vector<std::string> revoke_device(storage::connection& c, const std::string& device_id, const std::string& reason,
                                       std::int64_t now) {
  std::vector<std::string> serials;
  for (const auto& r :
       c.query("SELECT serial FROM certificates WHERE device_id = $1 AND status <> 'revoked'", {device_id}))
    serials.push_back(r.text(0));
  c.execute(
      "UPDATE certificates SET status = 'revoked', revoked_at = $2, revocation_reason = $3"
      " WHERE device_id = $1 AND status <> 'revoked'",
      {device_id, now, reason});
  return serials;
}

std::vector<revoked_serial> revoked(storage::connection& c) {
  std::vector<revoked_serial> out;
  for (const auto& r : c.query("SELECT serial, revoked_at FROM certificates WHERE status = 'revoked' ORDER BY serial"))
    out.push_back({r.text(0), r.integer(1)});
  return out;
}

}  // namespace mothership::pki::certificate_store
