#include "rules/condition.hpp"

#include <charconv>
#include <cmath>

namespace mothership::rules {
namespace {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};

template <class T>
bool compare(comparison op, const T& sample, const T& operand) {
  switch (op) {
    case comparison::greater:
      return sample > operand;
    case comparison::greater_or_equal:
      return sample >= operand;
    case comparison::less:
      return sample < operand;
    case comparison::less_or_equal:
      return sample <= operand;
    case comparison::equal:
      return sample == operand;
    case comparison::not_equal:
      return sample != operand;
  }
  return false;
}

bool is_equality(comparison op) {
  return op == comparison::equal || op == comparison::not_equal;
}

std::string format_number(double d) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
  return ec == std::errc{} ? std::string(buffer, end) : std::string("?");
}

std::string quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

std::optional<bool> evaluate(const telemetry_condition& c, const value& sample) {
  if (sample.index() != c.operand.index()) return std::nullopt;
  if (const double* d = std::get_if<double>(&sample)) {
    if (std::isnan(*d)) return std::nullopt;
    return compare(c.op, *d, std::get<double>(c.operand));
  }
  // Booleans and texts have no order worth alerting on; the parser only makes == and != for them.
  if (!is_equality(c.op)) return std::nullopt;
  if (const bool* b = std::get_if<bool>(&sample)) return compare(c.op, *b, std::get<bool>(c.operand));
  return compare(c.op, std::get<std::string>(sample), std::get<std::string>(c.operand));
}

std::string_view to_string(comparison op) {
  switch (op) {
    case comparison::greater:
      return ">";
    case comparison::greater_or_equal:
      return ">=";
    case comparison::less:
      return "<";
    case comparison::less_or_equal:
      return "<=";
    case comparison::equal:
      return "==";
    case comparison::not_equal:
      return "!=";
  }
  return "?";
}

std::string format_value(const value& v) {
  return std::visit(
      overloaded{[](double d) { return format_number(d); }, [](bool b) { return std::string(b ? "true" : "false"); },
                 [](const std::string& s) { return quote(s); }},
      v);
}

std::string format_duration(std::int64_t seconds) {
  for (auto [unit, size] : {std::pair{'d', 86400}, {'h', 3600}, {'m', 60}})
    if (seconds != 0 && seconds % size == 0) return std::to_string(seconds / size) + unit;
  return std::to_string(seconds) + 's';
}

std::string describe(const condition& c) {
  return std::visit(
      overloaded{[](const telemetry_condition& t) {
                   std::string out = t.key + ' ' + std::string(to_string(t.op)) + ' ' + format_value(t.operand);
                   if (t.for_s > 0) out += " for " + format_duration(t.for_s);
                   return out;
                 },
                 [](const offline_condition& o) { return "offline for " + format_duration(o.for_s); },
                 [](const heartbeat_condition& h) { return "heartbeat missing " + std::to_string(h.missed) + 'x'; }},
      c);
}

}  // namespace mothership::rules
