#include "rules/parse_condition.hpp"

#include <charconv>
#include <cmath>
#include <optional>

namespace mothership::rules {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_key_start(char c) {
  return is_letter(c) || c == '_';
}
bool is_key_char(char c) {
  return is_key_start(c) || is_digit(c) || c == '.' || c == '-';
}

constexpr std::string_view multiplication_sign = "\xC3\x97";  // U+00D7 in UTF-8

// A recursive-descent reader over the text. Each take_* consumes what it recognises; on a
// mistake the first error is kept and every caller returns nullopt up to run().
class parser {
 public:
  explicit parser(std::string_view text) : text_(text) {}

  std::variant<condition, parse_error> run() {
    skip_space();
    if (at_end()) return parse_error{0, "the condition is empty at 0"};
    if (auto c = parse_condition()) return *std::move(c);
    return *std::move(error_);
  }

 private:
  std::optional<condition> parse_condition() {
    std::size_t start = pos_;
    std::string_view word = take_word();
    if (word.empty()) return fail(start, "expected a telemetry key, 'offline' or 'heartbeat'");
    if (word == "offline") return parse_offline();
    if (word == "heartbeat") return parse_heartbeat();
    if (word.size() > max_key_length)
      return fail(start, "a key is at most " + std::to_string(max_key_length) + " characters");
    return parse_telemetry(std::string(word));
  }

  std::optional<condition> parse_offline() {
    if (!expect_word("for", "'offline'")) return std::nullopt;
    auto for_s = parse_duration();
    if (!for_s || !expect_end()) return std::nullopt;
    return offline_condition{*for_s};
  }

  std::optional<condition> parse_heartbeat() {
    if (!expect_word("missing", "'heartbeat'")) return std::nullopt;
    skip_space();
    std::size_t start = pos_;
    auto count = take_integer();
    if (!count) return fail(start, "expected a count such as 3x after 'missing'");
    if (!take_literal("x") && !take_literal(multiplication_sign))
      return fail(pos_, "expected 'x' after the count " + std::string(text_.substr(start, pos_ - start)));
    if (*count < 1 || *count > max_heartbeats_missed)
      return fail(start, "the count must be between 1 and " + std::to_string(max_heartbeats_missed));
    if (!expect_end()) return std::nullopt;
    return heartbeat_condition{static_cast<int>(*count)};
  }

  std::optional<condition> parse_telemetry(std::string key) {
    skip_space();
    std::size_t op_at = pos_;
    auto op = take_operator();
    if (!op) return fail(op_at, "expected an operator (> >= < <= == !=) after '" + key + "'");
    auto operand = parse_operand(*op);
    if (!operand) return std::nullopt;

    std::int64_t for_s = 0;
    skip_space();
    if (!at_end()) {
      std::size_t at = pos_;
      if (take_word() != "for") return fail(at, "expected 'for' or the end, found " + token_at(at));
      auto duration = parse_duration();
      if (!duration) return std::nullopt;
      for_s = *duration;
    }
    if (!expect_end()) return std::nullopt;
    return telemetry_condition{std::move(key), *op, *std::move(operand), for_s};
  }

  std::optional<value> parse_operand(comparison op) {
    bool equality = op == comparison::equal || op == comparison::not_equal;
    std::string quoted_op = "'" + std::string(to_string(op)) + "'";
    skip_space();
    std::size_t at = pos_;
    if (peek() == '"') {
      if (!equality) return fail(at, quoted_op + " compares numbers; a text takes == or !=");
      return take_text();
    }
    if (is_key_start(peek())) {
      std::string_view word = take_word();
      if (word == "true" || word == "false") {
        if (!equality) return fail(at, quoted_op + " compares numbers; true and false take == or !=");
        return value{word == "true"};
      }
      // Falls through to the number message: NaN, inf and bare words all land here.
    } else if (auto number = take_number(quoted_op)) {
      return value{*number};
    } else if (error_) {
      return std::nullopt;
    }
    return fail(at, equality ? "expected a number, true, false or a \"text\" after " + quoted_op
                             : "expected a number after " + quoted_op);
  }

  // nullopt without an error when there is no number here at all.
  std::optional<double> take_number(const std::string& quoted_op) {
    std::size_t start = pos_, i = pos_;
    auto digits_from = [&](std::size_t j) {
      while (j < text_.size() && is_digit(text_[j])) ++j;
      return j;
    };
    if (i < text_.size() && text_[i] == '-') ++i;
    std::size_t int_end = digits_from(i);
    bool has_digits = int_end > i;
    i = int_end;
    if (i < text_.size() && text_[i] == '.' && digits_from(i + 1) > i + 1) {
      i = digits_from(i + 1);
      has_digits = true;
    }
    if (!has_digits) return std::nullopt;
    if (i < text_.size() && (text_[i] == 'e' || text_[i] == 'E')) {
      std::size_t j = i + 1;
      if (j < text_.size() && (text_[j] == '+' || text_[j] == '-')) ++j;
      if (digits_from(j) > j) i = digits_from(j);
    }
    double number = 0;
    auto [end, ec] = std::from_chars(text_.data() + start, text_.data() + i, number);
    if (ec != std::errc{} || end != text_.data() + i || !std::isfinite(number))
      return fail(start, "the number after " + quoted_op + " is out of range");
    pos_ = i;
    return number;
  }

  std::optional<value> take_text() {
    std::size_t start = pos_++;
    std::string out;
    while (true) {
      if (at_end()) return fail(start, "the text has no closing '\"'");
      char c = text_[pos_];
      if (c == '"') break;
      if (static_cast<unsigned char>(c) < 0x20) return fail(pos_, "a text may not contain control characters");
      if (c == '\\') {
        char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
        if (next != '"' && next != '\\') return fail(pos_, "only \\\" and \\\\ are escapes in a text");
        c = next;
        ++pos_;
      }
      out += c;
      ++pos_;
    }
    ++pos_;
    if (out.size() > max_text_length)
      return fail(start, "a text is at most " + std::to_string(max_text_length) + " characters");
    return value{std::move(out)};
  }

  std::optional<std::int64_t> parse_duration() {
    skip_space();
    std::size_t start = pos_;
    auto amount = take_integer();
    if (!amount) return fail(start, "expected a duration such as 30s, 5m, 1h or 2d after 'for'");
    std::size_t unit_at = pos_;
    while (pos_ < text_.size() && is_letter(text_[pos_])) ++pos_;
    std::string_view unit = text_.substr(unit_at, pos_ - unit_at);
    std::string digits(text_.substr(start, unit_at - start));
    if (unit.empty()) return fail(unit_at, "expected a unit (s, m, h or d) after " + digits);
    std::int64_t unit_s = unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 0;
    if (unit_s == 0) return fail(unit_at, "unknown duration unit '" + std::string(unit) + "'; use s, m, h or d");
    if (*amount == 0) return fail(start, "a duration must be at least 1s");
    if (*amount > max_duration_s / unit_s) return fail(start, "a duration is at most 30 days");
    return *amount * unit_s;
  }

  // Digits as a number; saturates instead of overflowing, since every caller has a far lower limit.
  std::optional<std::int64_t> take_integer() {
    if (at_end() || !is_digit(text_[pos_])) return std::nullopt;
    std::int64_t n = 0;
    for (; pos_ < text_.size() && is_digit(text_[pos_]); ++pos_)
      n = n > 1'000'000'000'000 ? n : n * 10 + (text_[pos_] - '0');
    return n;
  }

  std::optional<comparison> take_operator() {
    static constexpr std::pair<std::string_view, comparison> ops[] = {
        {">=", comparison::greater_or_equal}, {"<=", comparison::less_or_equal}, {"==", comparison::equal},
        {"!=", comparison::not_equal},        {">", comparison::greater},        {"<", comparison::less}};
    for (auto [text, op] : ops)
      if (take_literal(text)) return op;
    return std::nullopt;
  }

  bool expect_word(std::string_view word, std::string_view after) {
    skip_space();
    std::size_t at = pos_;
    if (take_word() == word) return true;
    fail(at, "expected '" + std::string(word) + "' after " + std::string(after));
    return false;
  }

  bool expect_end() {
    skip_space();
    if (at_end()) return true;
    fail(pos_, "expected the end, found " + token_at(pos_));
    return false;
  }

  std::string_view take_word() {
    std::size_t start = pos_;
    if (at_end() || !is_key_start(text_[pos_])) return {};
    while (pos_ < text_.size() && is_key_char(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  bool take_literal(std::string_view literal) {
    if (!text_.substr(pos_).starts_with(literal)) return false;
    pos_ += literal.size();
    return true;
  }

  // What the user wrote at `at`, quoted, for "found ..." messages.
  std::string token_at(std::size_t at) const {
    std::size_t end = at;
    while (end < text_.size() && !is_space(text_[end]) && end - at < 20) ++end;
    return "'" + std::string(text_.substr(at, end - at)) + "'";
  }

  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  std::nullopt_t fail(std::size_t at, std::string message) {
    if (!error_) error_ = parse_error{at, std::move(message) + " at " + std::to_string(at)};
    return std::nullopt;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::optional<parse_error> error_;
};

}  // namespace

std::variant<condition, parse_error> parse_condition(std::string_view text) {
  return parser(text).run();
}

}  // namespace mothership::rules
