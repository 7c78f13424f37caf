#include "rules/parse_condition.hpp"

#include <gtest/gtest.h>

namespace mothership::rules {
namespace {

condition parse_ok(std::string_view text) {
  auto parsed = parse_condition(text);
  if (const auto* e = std::get_if<parse_error>(&parsed)) {
    ADD_FAILURE() << text << ": " << e->message;
    return offline_condition{};
  }
  return std::get<condition>(parsed);
}

TEST(parse_condition, reads_each_form_and_describes_it_canonically) {
  struct row {
    std::string_view text;
    std::string_view canonical;
  };
  for (auto [text, canonical] : std::initializer_list<row>{
           {"temperature > 80", "temperature > 80"},
           {"temperature > 80 for 5m", "temperature > 80 for 5m"},
           {"  battery.level<=15.5   for 90s ", "battery.level <= 15.5 for 90s"},
           {"temperature>=-10.25", "temperature >= -10.25"},
           {"pressure < 1e3", "pressure < 1000"},
           {"flux > 1.5E+300", "flux > 1.5e+300"},
           {"cpu_load != .5 for 1h", "cpu_load != 0.5 for 1h"},
           {"rssi == -70 for 120s", "rssi == -70 for 2m"},
           {"_private-key.v2 > 0", "_private-key.v2 > 0"},
           {"door_open == true", "door_open == true"},
           {"door_open!=false for 30s", "door_open != false for 30s"},
           {R"(mode == "eco")", R"(mode == "eco")"},
           {R"(mode != "say \"hi\" \\ bye" for 2d)", R"(mode != "say \"hi\" \\ bye" for 2d)"},
           {"offline for 10m", "offline for 10m"},
           {"offline\tfor 3600s", "offline for 1h"},
           {"offline for 30d", "offline for 30d"},
           {"heartbeat missing 3x", "heartbeat missing 3x"},
           {"heartbeat missing 3\u00d7", "heartbeat missing 3x"},
       }) {
    condition c = parse_ok(text);
    EXPECT_EQ(describe(c), canonical) << text;
    EXPECT_EQ(parse_ok(describe(c)), c) << text;
  }
}

TEST(parse_condition, builds_the_parts) {
  EXPECT_EQ(parse_ok("temperature > 80 for 5m"),
            condition(telemetry_condition{"temperature", comparison::greater, 80.0, 300}));
  EXPECT_EQ(parse_ok("door_open == true"), condition(telemetry_condition{"door_open", comparison::equal, true, 0}));
  EXPECT_EQ(parse_ok(R"(mode != "eco")"),
            condition(telemetry_condition{"mode", comparison::not_equal, std::string("eco"), 0}));
  EXPECT_EQ(parse_ok("offline for 10m"), condition(offline_condition{600}));
  EXPECT_EQ(parse_ok("heartbeat missing 3x"), condition(heartbeat_condition{3}));
}

TEST(parse_condition, says_what_is_wrong_and_where) {
  struct row {
    std::string_view text;
    std::size_t position;
    std::string_view message;
  };
  for (auto [text, position, message] : std::initializer_list<row>{
           {"", 0, "the condition is empty at 0"},
           {"   ", 0, "the condition is empty at 0"},
           {"temperature >", 13, "expected a number after '>' at 13"},
           {"temperature > abc", 14, "expected a number after '>' at 14"},
           {"temperature > nan", 14, "expected a number after '>' at 14"},
           {"temperature > -", 14, "expected a number after '>' at 14"},
           {"temperature > 1e999", 14, "the number after '>' is out of range at 14"},
           {"temperature > 80 for", 20, "expected a duration such as 30s, 5m, 1h or 2d after 'for' at 20"},
           {"temperature > 80 for 5x", 22, "unknown duration unit 'x'; use s, m, h or d at 22"},
           {"temperature > 80 for 5", 22, "expected a unit (s, m, h or d) after 5 at 22"},
           {"temperature > 80 for 0s", 21, "a duration must be at least 1s at 21"},
           {"temperature > 80 for 99d", 21, "a duration is at most 30 days at 21"},
           {"temperature > 80 for 99999999999999999999s", 21, "a duration is at most 30 days at 21"},
           {"temperature > 80 garbage", 17, "expected 'for' or the end, found 'garbage' at 17"},
           {"temperature > 80 during 5m", 17, "expected 'for' or the end, found 'during' at 17"},
           {"temperature > 80 for 5m for 5m", 24, "expected the end, found 'for' at 24"},
           {"temperature = 80", 12, "expected an operator (> >= < <= == !=) after 'temperature' at 12"},
           {"temperature", 11, "expected an operator (> >= < <= == !=) after 'temperature' at 11"},
           {"temperature > true", 14, "'>' compares numbers; true and false take == or != at 14"},
           {R"(mode < "eco")", 7, "'<' compares numbers; a text takes == or != at 7"},
           {"door_open == yes", 13, "expected a number, true, false or a \"text\" after '==' at 13"},
           {R"(mode == "eco)", 8, "the text has no closing '\"' at 8"},
           {R"(mode == "e\co")", 10, "only \\\" and \\\\ are escapes in a text at 10"},
           {"> 80", 0, "expected a telemetry key, 'offline' or 'heartbeat' at 0"},
           {"9lives > 1", 0, "expected a telemetry key, 'offline' or 'heartbeat' at 0"},
           {"Offline for 10m", 8, "expected an operator (> >= < <= == !=) after 'Offline' at 8"},
           {"offline", 7, "expected 'for' after 'offline' at 7"},
           {"offline 10m", 8, "expected 'for' after 'offline' at 8"},
           {"offline for 31d", 12, "a duration is at most 30 days at 12"},
           {"offline for 10m now", 16, "expected the end, found 'now' at 16"},
           {"heartbeat missing x", 18, "expected a count such as 3x after 'missing' at 18"},
           {"heartbeat missing 3", 19, "expected 'x' after the count 3 at 19"},
           {"heartbeat missing 0x", 18, "the count must be between 1 and 1000 at 18"},
           {"heartbeat missing 3xx", 20, "expected the end, found 'x' at 20"},
           {"heartbeat gone 3x", 10, "expected 'missing' after 'heartbeat' at 10"},
       }) {
    auto parsed = parse_condition(text);
    ASSERT_TRUE(std::holds_alternative<parse_error>(parsed)) << text << " -> " << describe(std::get<condition>(parsed));
    const auto& e = std::get<parse_error>(parsed);
    EXPECT_EQ(e.position, position) << text;
    EXPECT_EQ(e.message, message) << text;
  }
}

TEST(parse_condition, refuses_overlong_keys_and_texts) {
  std::string key(65, 'k');
  auto long_key = parse_condition(key + " > 1");
  ASSERT_TRUE(std::holds_alternative<parse_error>(long_key));
  EXPECT_EQ(std::get<parse_error>(long_key).message, "a key is at most 64 characters at 0");
  parse_ok(std::string(64, 'k') + " > 1");

  auto long_text = parse_condition("mode == \"" + std::string(257, 't') + "\"");
  ASSERT_TRUE(std::holds_alternative<parse_error>(long_text));
  EXPECT_EQ(std::get<parse_error>(long_text).message, "a text is at most 256 characters at 8");
  auto control = parse_condition("mode == \"a\nb\"");
  ASSERT_TRUE(std::holds_alternative<parse_error>(control));
  EXPECT_EQ(std::get<parse_error>(control).position, 10u);
}

}  // namespace
}  // namespace mothership::rules
