#include "telemetry/payload.hpp"

#include <fmt/format.h>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cmath>

namespace mothership::telemetry {

namespace json = boost::json;

std::string_view name(value_kind k) {
  switch (k) {
    case value_kind::number:
      return "number";
    case value_kind::boolean:
      return "boolean";
    case value_kind::text:
      return "string";
  }
  return "number";
}

bool is_valid_key(std::string_view key, std::size_t max_length) {
  if (key.empty() || key.size() > max_length) return false;
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!letter(key.front())) return false;
  for (char c : key)
    if (!letter(c) && !(c >= '0' && c <= '9') && c != '.' && c != '-') return false;
  return true;
}

namespace {

// A reading is at most an array of objects of objects of scalars: depth 3. Anything deeper
// is refused by the parser itself, before it builds a thousand levels.
constexpr std::size_t max_depth = 4;

refusal malformed(std::string reason) {
  return {refusal::kind::malformed, std::move(reason)};
}
refusal over_limit(std::string reason) {
  return {refusal::kind::over_limit, std::move(reason)};
}

std::variant<reading_value, refusal> value_of(std::string_view key, const json::value& v,
                                              const payload_limits& limits) {
  double number = 0;
  switch (v.kind()) {
    case json::kind::bool_:
      return reading_value(v.get_bool());
    case json::kind::int64:
      number = static_cast<double>(v.get_int64());
      break;
    case json::kind::uint64:
      number = static_cast<double>(v.get_uint64());
      break;
    case json::kind::double_:
      number = v.get_double();
      break;
    case json::kind::string:
      if (v.get_string().size() > limits.max_string_bytes)
        return over_limit(fmt::format("value of {} is a string of {} bytes (at most {})", key, v.get_string().size(),
                                      limits.max_string_bytes));
      return reading_value(std::string(v.get_string()));
    default:
      return malformed(fmt::format("value of {} is not a number, boolean or string", key));
  }
  if (!std::isfinite(number)) return malformed(fmt::format("value of {} is not a finite number", key));
  return reading_value(number);
}

// The values of one reading, strictly (telemetry).
std::optional<refusal> add_values(const json::object& values, std::int64_t ts, std::int64_t received_at,
                                  const payload_limits& limits, std::vector<sample>& out) {
  if (values.empty()) return malformed("a reading has no values");
  if (values.size() > limits.max_keys)
    return over_limit(fmt::format("a reading has {} values (at most {})", values.size(), limits.max_keys));
  for (const auto& [key, v] : values) {
    if (!is_valid_key(key, limits.max_key_length))
      return key.size() > limits.max_key_length
                 ? over_limit(fmt::format("a key is {} bytes long (at most {})", key.size(), limits.max_key_length))
                 : malformed(fmt::format("'{}' is not a valid key (letters, digits, _ . -)",
                                         std::string_view(key).substr(0, limits.max_key_length)));
    auto value = value_of(key, v, limits);
    if (auto* r = std::get_if<refusal>(&value)) return std::move(*r);
    out.push_back({std::string(key), ts, received_at, std::move(std::get<reading_value>(value))});
  }
  return std::nullopt;
}

std::variant<std::int64_t, refusal> device_time(const json::value* ts, std::int64_t received_at,
                                                const payload_limits& limits) {
  if (!ts || !(ts->is_int64() || ts->is_uint64())) return malformed("ts must be an integer (Unix milliseconds)");
  if (ts->is_uint64()) return malformed("ts is out of range");
  const std::int64_t t = ts->get_int64();
  if (t <= 0) return malformed("ts must be positive (Unix milliseconds)");
  if (t > received_at + limits.max_future_ms)
    return malformed(fmt::format("ts is {} s ahead of the server's clock (at most {} s)", (t - received_at) / 1000,
                                 limits.max_future_ms / 1000));
  if (t < received_at - limits.max_age_ms)
    return malformed(fmt::format("ts is {} days old (at most {}: older data would be deleted at once)",
                                 (received_at - t) / 86400000, limits.max_age_ms / 86400000));
  return t;
}

// {"ts": ..., "values": {...}}, or nullopt-with-refusal.
std::optional<refusal> add_reading(const json::object& reading, std::int64_t received_at, const payload_limits& limits,
                                   std::vector<sample>& out) {
  const auto* values = reading.if_contains("values");
  if (!values || !values->is_object() || reading.size() != 2 || !reading.contains("ts"))
    return malformed("a reading in a batch is {\"ts\": <Unix ms>, \"values\": {...}}");
  auto ts = device_time(reading.if_contains("ts"), received_at, limits);
  if (auto* r = std::get_if<refusal>(&ts)) return std::move(*r);
  return add_values(values->get_object(), std::get<std::int64_t>(ts), received_at, limits, out);
}

parse_result parse_telemetry(const json::value& doc, std::int64_t received_at, std::int64_t server_ts,
                             const payload_limits& limits) {
  std::vector<sample> out;
  if (doc.is_array()) {
    const auto& batch = doc.get_array();
    if (batch.empty()) return malformed("an empty batch");
    if (batch.size() > limits.max_batch)
      return over_limit(fmt::format("a batch of {} readings (at most {})", batch.size(), limits.max_batch));
    for (const auto& reading : batch) {
      if (!reading.is_object()) return malformed("a batch holds readings {\"ts\": ..., \"values\": {...}}");
      if (auto r = add_reading(reading.get_object(), received_at, limits, out)) return std::move(*r);
    }
    return out;
  }
  if (!doc.is_object()) return malformed("telemetry is a JSON object of values, or a batch (array) of readings");
  const auto& o = doc.get_object();
  const auto* values = o.if_contains("values");
  if (values && values->is_object()) {
    if (auto r = add_reading(o, received_at, limits, out)) return std::move(*r);
    return out;
  }
  if (auto r = add_values(o, server_ts, received_at, limits, out)) return std::move(*r);
  return out;
}

// Heartbeats and state: what there is of scalars at the top level, at the server's time.
std::vector<sample> scalars_of(const json::value& doc, std::int64_t received_at, std::int64_t server_ts,
                               const payload_limits& limits) {
  std::vector<sample> out;
  if (!doc.is_object()) return out;
  for (const auto& [key, v] : doc.get_object()) {
    if (out.size() >= limits.max_keys) break;
    if (!is_valid_key(key, limits.max_key_length)) continue;
    auto value = value_of(key, v, limits);
    if (auto* kept = std::get_if<reading_value>(&value))
      out.push_back({std::string(key), server_ts, received_at, std::move(*kept)});
  }
  return out;
}

}  // namespace

parse_result parse_payload(source from, std::string_view payload, std::int64_t received_at,
                           const payload_limits& limits, std::optional<std::int64_t> server_ts) {
  const std::int64_t at = server_ts.value_or(received_at);
  unsigned char buffer[4096];
  json::monotonic_resource memory(buffer, sizeof buffer);
  json::parse_options options;
  options.max_depth = max_depth;
  boost::system::error_code ec;
  json::value doc = json::parse(payload, ec, &memory, options);
  if (from != source::telemetry) return ec ? std::vector<sample>{} : scalars_of(doc, received_at, at, limits);
  if (ec == json::error::too_deep) return malformed(fmt::format("JSON nested deeper than {} levels", max_depth - 1));
  if (ec) return malformed("not JSON: " + ec.message());
  return parse_telemetry(doc, received_at, at, limits);
}

}  // namespace mothership::telemetry
