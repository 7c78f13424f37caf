#include "registry/selector.hpp"

#include <algorithm>

namespace mothership::registry {

namespace {

using op = requirement::op;

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '/';
}

// Recursive descent over the text, one requirement at a time; the first error ends it.
class parser {
 public:
  explicit parser(std::string_view text) : text_(text) {}

  boost::system::result<selector, selector_error> run() {
    selector out;
    if (text_.size() > max_selector_length) return fail(max_selector_length, "a selector is at most 4096 bytes long");
    skip_spaces();
    if (at_end()) return out;
    for (;;) {
      auto r = parse_requirement();
      if (!r) return r.error();
      out.requirements.push_back(std::move(*r));
      skip_spaces();
      if (at_end()) return out;
      if (text_[at_] != ',') return fail(at_, "expected ',' or the end of the selector");
      ++at_;
    }
  }

 private:
  selector_error fail(std::size_t byte, std::string message) const {
    // Positions count characters: every byte that does not continue a UTF-8 sequence.
    std::size_t position = 1;
    for (std::size_t i = 0; i < byte && i < text_.size(); ++i)
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++position;
    return {errc::selector_syntax, std::move(message), position};
  }

  bool at_end() const { return at_ >= text_.size(); }
  void skip_spaces() {
    while (!at_end() && is_space(text_[at_])) ++at_;
  }
  bool word_follows(std::string_view word) const {
    if (text_.substr(at_, word.size()) != word) return false;
    auto after = at_ + word.size();
    return after == text_.size() || is_space(text_[after]) || text_[after] == '(';
  }

  boost::system::result<std::string, selector_error> parse_key() {
    auto start = at_;
    while (!at_end() && is_key_char(text_[at_])) ++at_;
    if (at_ == start) {
      if (at_end()) return fail(at_, "expected a key at the end of the selector");
      return fail(at_, std::string("expected a key, found '") + text_[at_] + "'");
    }
    if (at_ - start > max_label_key) return fail(start, "keys are at most 63 characters long");
    return std::string(text_.substr(start, at_ - start));
  }

  // A value ends at `,` (or `)` inside a set) or the end; it is trimmed and must not be empty.
  boost::system::result<std::string, selector_error> parse_value(bool in_set) {
    skip_spaces();
    auto start = at_;
    while (!at_end() && text_[at_] != ',' && !(in_set && text_[at_] == ')')) {
      auto c = static_cast<unsigned char>(text_[at_]);
      if (c == '(' || c == ')') return fail(at_, std::string("'") + text_[at_] + "' is not allowed in a value");
      if ((c < 0x20 && c != '\t') || c == 0x7F) return fail(at_, "control characters are not allowed in a value");
      ++at_;
    }
    auto end = at_;
    while (end > start && is_space(text_[end - 1])) --end;
    if (end == start) return fail(start, in_set ? "expected a value in the list" : "expected a value");
    if (end - start > max_label_value) return fail(start, "values are at most 128 bytes long");
    return std::string(text_.substr(start, end - start));
  }

  boost::system::result<std::vector<std::string>, selector_error> parse_set(std::string_view keyword) {
    skip_spaces();
    if (at_end() || text_[at_] != '(') return fail(at_, "expected '(' after '" + std::string(keyword) + "'");
    ++at_;
    std::vector<std::string> values;
    for (;;) {
      auto v = parse_value(true);
      if (!v) return v.error();
      values.push_back(std::move(*v));
      if (at_end()) return fail(at_, "expected ')' to close the list");
      if (text_[at_++] == ')') return values;
    }
  }

  boost::system::result<requirement, selector_error> parse_requirement() {
    skip_spaces();
    requirement r;
    if (!at_end() && text_[at_] == '!') {
      ++at_;
      skip_spaces();
      auto key = parse_key();
      if (!key) return key.error();
      return requirement{std::move(*key), op::not_exists, {}};
    }
    auto key = parse_key();
    if (!key) return key.error();
    r.key = std::move(*key);
    skip_spaces();
    if (at_end() || text_[at_] == ',') {
      r.what = op::exists;
      return r;
    }
    if (text_.substr(at_, 2) == "!=" || text_[at_] == '=') {
      r.what = text_[at_] == '!' ? op::not_equals : op::equals;
      at_ += text_[at_] == '!' || text_.substr(at_, 2) == "==" ? 2 : 1;
      auto v = parse_value(false);
      if (!v) return v.error();
      r.values.push_back(std::move(*v));
      return r;
    }
    for (auto [word, what] :
         {std::pair{std::string_view("in"), op::in}, std::pair{std::string_view("notin"), op::not_in}})
      if (word_follows(word)) {
        at_ += word.size();
        auto values = parse_set(word);
        if (!values) return values.error();
        r.what = what;
        r.values = std::move(*values);
        return r;
      }
    return fail(at_, "expected '=', '!=', 'in', 'notin', ',' or the end after the key '" + r.key + "'");
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

std::optional<std::string_view> lookup(const device_facts& d, const std::string& key) {
  if (key == "model") return d.model;
  if (key == "firmware_version") return d.firmware_version;
  auto it = d.labels.find(key);
  if (it == d.labels.end()) return std::nullopt;
  return std::string_view(it->second);
}

bool holds(const requirement& r, const device_facts& d) {
  auto v = lookup(d, r.key);
  auto in_values = [&] { return v && std::find(r.values.begin(), r.values.end(), *v) != r.values.end(); };
  switch (r.what) {
    case op::equals:
    case op::in:
      return in_values();
    case op::not_equals:
    case op::not_in:
      return !in_values();
    case op::exists:
      return v.has_value();
    case op::not_exists:
      return !v.has_value();
  }
  return false;
}

}  // namespace

boost::system::result<selector, selector_error> parse_selector(std::string_view text) {
  return parser(text).run();
}

std::string to_string(const selector& s) {
  std::string out;
  for (const auto& r : s.requirements) {
    if (!out.empty()) out += ',';
    auto list = [&] {
      std::string l = "(";
      for (const auto& v : r.values) l += (l.size() > 1 ? "," : "") + v;
      return l + ")";
    };
    switch (r.what) {
      case op::equals:
        out += r.key + "=" + r.values.at(0);
        break;
      case op::not_equals:
        out += r.key + "!=" + r.values.at(0);
        break;
      case op::in:
        out += r.key + " in " + list();
        break;
      case op::not_in:
        out += r.key + " notin " + list();
        break;
      case op::exists:
        out += r.key;
        break;
      case op::not_exists:
        out += "!" + r.key;
        break;
    }
  }
  return out;
}

bool matches(const selector& s, const device_facts& device) {
  return std::all_of(s.requirements.begin(), s.requirements.end(),
                     [&](const requirement& r) { return holds(r, device); });
}

sql_condition to_sql(const selector& s, std::size_t first_parameter, std::string_view devices_table) {
  sql_condition out;
  auto next = [&](std::string v) {
    out.params.emplace_back(std::move(v));
    return "$" + std::to_string(first_parameter + out.params.size() - 1);
  };
  auto value_test = [&](const requirement& r, std::string_view column) {
    if (r.values.size() == 1) return std::string(column) + " = " + next(r.values[0]);
    std::string list;
    for (const auto& v : r.values) list += (list.empty() ? "" : ", ") + next(v);
    return std::string(column) + " IN (" + list + ")";
  };
  const std::string table(devices_table);
  std::vector<std::string> parts;
  for (const auto& r : s.requirements) {
    const bool negated = r.what == op::not_equals || r.what == op::not_in || r.what == op::not_exists;
    const bool has_value = r.what != op::exists && r.what != op::not_exists;
    std::string positive;
    if (r.key == "model" || r.key == "firmware_version") {
      // Never NULL, so that NOT gives the complement: `x = $1` alone is NULL where x is.
      auto column = table + "." + r.key;
      positive = "(" + column + " IS NOT NULL" + (has_value ? " AND " + value_test(r, column) : "") + ")";
    } else {
      positive = "EXISTS (SELECT 1 FROM device_labels dl WHERE dl.device_id = " + table +
                 ".id AND dl.key = " + next(r.key) + (has_value ? " AND " + value_test(r, "dl.value") : "") + ")";
    }
    parts.push_back(negated ? "NOT " + positive : positive);
  }
  if (parts.empty()) {
    out.where = "(1 = 1)";
    return out;
  }
  out.where = "(";
  for (std::size_t i = 0; i < parts.size(); ++i) out.where += (i ? " AND " : "") + parts[i];
  out.where += ")";
  return out;
}

}  // namespace mothership::registry
