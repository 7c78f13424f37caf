#include "storage/database.hpp"

namespace mothership::storage {

std::int64_t row::integer(std::size_t i) const {
  const value& v = columns_.at(i);
  if (auto p = std::get_if<std::int64_t>(&v)) return *p;
  if (auto d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  throw database_error(database_error::kind::other, "column " + std::to_string(i) + " is not an integer");
}

const std::string& row::text(std::size_t i) const {
  const value& v = columns_.at(i);
  if (auto p = std::get_if<std::string>(&v)) return *p;
  throw database_error(database_error::kind::other, "column " + std::to_string(i) + " is not text");
}

double row::number(std::size_t i) const {
  const value& v = columns_.at(i);
  if (auto d = std::get_if<double>(&v)) return *d;
  if (auto p = std::get_if<std::int64_t>(&v)) return static_cast<double>(*p);
  throw database_error(database_error::kind::other, "column " + std::to_string(i) + " is not a number");
}

std::optional<std::int64_t> row::opt_integer(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return integer(i);
}

std::optional<std::string> row::opt_text(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return text(i);
}

std::optional<row> connection::query_one(std::string_view sql, const params& p) {
  auto rows = query(sql, p);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

void connection::query_each(std::string_view sql, const params& p, const std::function<bool(const row&)>& each) {
  for (const auto& r : query(sql, p))
    if (!each(r)) return;
}

}  // namespace mothership::storage
