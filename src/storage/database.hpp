#pragma once
// The storage interface every domain repository writes its SQL against.
//
// SQL uses numbered parameters ($1, $2, ...), standard types (TEXT, BIGINT, INTEGER) and
// RETURNING / ON CONFLICT, so that the same statement runs on SQLite and PostgreSQL.
// Calls block: run them on the worker pool, never on an I/O thread.
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mothership::storage {

using value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;
using params = std::vector<value>;

// NULL for an empty optional: for nullable columns.
inline value nullable(const std::optional<std::string>& v) {
  return v ? value(*v) : value(nullptr);
}
inline value nullable(const std::optional<std::int64_t>& v) {
  return v ? value(*v) : value(nullptr);
}

class row {
 public:
  explicit row(std::vector<value> columns) : columns_(std::move(columns)) {}
  bool is_null(std::size_t i) const { return std::holds_alternative<std::nullptr_t>(columns_.at(i)); }
  std::int64_t integer(std::size_t i) const;
  const std::string& text(std::size_t i) const;
  double number(std::size_t i) const;  // a REAL or INTEGER column
  std::optional<std::int64_t> opt_integer(std::size_t i) const;
  std::optional<std::string> opt_text(std::size_t i) const;
  std::size_t size() const { return columns_.size(); }
  std::vector<value> release() { return std::move(columns_); }  // to reuse the storage for the next row

 private:
  std::vector<value> columns_;
};

// A failed statement. `constraint` is set for UNIQUE / FOREIGN KEY / CHECK violations,
// which repositories turn into domain conflicts.
class database_error : public std::runtime_error {
 public:
  enum class kind { other, constraint, busy };
  database_error(kind k, const std::string& what) : std::runtime_error(what), kind_(k) {}
  kind which() const { return kind_; }

 private:
  kind kind_;
};

class connection {
 public:
  virtual ~connection() = default;
  virtual std::vector<row> query(std::string_view sql, const params& p = {}) = 0;
  // Returns the number of rows changed.
  virtual std::int64_t execute(std::string_view sql, const params& p = {}) = 0;
  std::optional<row> query_one(std::string_view sql, const params& p = {});
  // Streams the rows to `each` one at a time, without holding them all (a report of a
  // million rows); `each` returns false to stop early. The row is only valid during the call.
  virtual void query_each(std::string_view sql, const params& p, const std::function<bool(const row&)>& each);
};

struct pool_stats {
  int connections = 0;
  int in_use = 0;
  std::int64_t waits = 0;  // times a caller had to wait for a free connection
};

class database {
 public:
  virtual ~database() = default;
  // Runs fn in one write transaction: committed when fn returns, rolled back when it throws.
  virtual void write(const std::function<void(connection&)>& fn) = 0;
  // Runs fn with a connection for reads (a consistent snapshot for its duration).
  virtual void read(const std::function<void(connection&)>& fn) = 0;
  virtual pool_stats stats() const = 0;
  virtual std::string backend_name() const = 0;

  template <class F>
  auto write_result(F&& fn) -> decltype(fn(std::declval<connection&>())) {
    std::optional<decltype(fn(std::declval<connection&>()))> out;
    write([&](connection& c) { out.emplace(fn(c)); });
    return std::move(*out);
  }
  template <class F>
  auto read_result(F&& fn) -> decltype(fn(std::declval<connection&>())) {
    std::optional<decltype(fn(std::declval<connection&>()))> out;
    read([&](connection& c) { out.emplace(fn(c)); });
    return std::move(*out);
  }
};

}  // namespace mothership::storage
