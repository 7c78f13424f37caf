#include "api/json_body.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

using namespace mothership::api;

namespace {
http_request json_request(std::string body, std::string type = "application/json") {
  http_request r;
  r.method = "POST";
  r.path = "/x";
  r.headers["content-type"] = std::move(type);
  r.body = std::move(body);
  return r;
}
const http_response* problem_of(const std::variant<boost::json::object, http_response>& v) {
  return std::get_if<http_response>(&v);
}
}  // namespace

TEST(json_body, reads_an_object_with_charset_parameter) {
  auto v = read_json_object(json_request(R"({"a":1})", "application/json; charset=utf-8"));
  ASSERT_FALSE(problem_of(v));
}

TEST(json_body, wrong_media_type_is_415) {
  auto v = read_json_object(json_request(R"({"a":1})", "text/plain"));
  ASSERT_TRUE(problem_of(v));
  EXPECT_EQ(problem_of(v)->status, 415);
}

TEST(json_body, malformed_json_is_400_with_the_position) {
  auto v = read_json_object(json_request(R"({"a": tru})"));
  ASSERT_TRUE(problem_of(v));
  EXPECT_EQ(problem_of(v)->status, 400);
  EXPECT_NE(problem_of(v)->body.find("at byte 6"), std::string::npos) << problem_of(v)->body;
  EXPECT_NE(problem_of(v)->body.find("malformed-json"), std::string::npos);
}

TEST(json_body, deep_nesting_invalid_utf8_and_trailing_data_are_400) {
  for (std::string bad : {std::string(10000, '[') + std::string(10000, ']'), std::string("{\"a\":\"\xff\xfe\"}"),
                          std::string("{} {}"), std::string(""), std::string("[1,2]")}) {
    auto v = read_json_object(json_request(bad));
    ASSERT_TRUE(problem_of(v)) << bad.substr(0, 10);
    EXPECT_EQ(problem_of(v)->status, 400);
  }
}

TEST(json_body, field_reader_collects_every_error) {
  auto body = boost::json::parse(R"({"name": 5, "flag": "yes", "empty": "", "ctl": "a\u0001b"})").as_object();
  field_reader f(body);
  f.text("name", true);
  f.text("missing", true);
  f.boolean("flag", false);
  f.text("empty", false);
  f.text("ctl", false);
  EXPECT_FALSE(f.ok());
  auto p = f.problem();
  EXPECT_EQ(p.status, 422);
  auto errors = boost::json::parse(p.body).at("errors").as_array();
  EXPECT_EQ(errors.size(), 5u);
}

TEST(json_body, unknown_fields_are_ignored) {
  auto body = boost::json::parse(R"({"name": "x", "extra": {"deep": true}})").as_object();
  field_reader f(body);
  EXPECT_EQ(f.text("name", true), "x");
  EXPECT_TRUE(f.ok());
}

TEST(json_body, duplicate_key_is_400_naming_it) {
  auto v = read_json_object(json_request(R"({"username":"eve","role":"viewer","role":"admin"})"));
  ASSERT_TRUE(problem_of(v));
  EXPECT_EQ(problem_of(v)->status, 400);
  EXPECT_NE(problem_of(v)->body.find("duplicate-key"), std::string::npos) << problem_of(v)->body;
  EXPECT_NE(problem_of(v)->body.find("role"), std::string::npos) << problem_of(v)->body;
}
