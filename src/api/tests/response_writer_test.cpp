#include "api/response_writer.hpp"

#include <gtest/gtest.h>

using namespace mothership::api;

TEST(response_writer, writes_status_headers_length_and_body) {
  auto bytes =
      serialize_response(json_response(200, R"({"a":1})").with_header("X-Request-Id", "r1"), 11, true, false, false);
  EXPECT_EQ(bytes.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(bytes.find("\r\nContent-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(bytes.find("\r\nX-Request-Id: r1\r\n"), std::string::npos);
  EXPECT_NE(bytes.find("\r\nContent-Length: 7\r\n\r\n{\"a\":1}"), std::string::npos);
  EXPECT_EQ(bytes.find("Connection:"), std::string::npos);  // HTTP/1.1 keeps alive by default
}

TEST(response_writer, head_keeps_the_length_but_sends_no_body) {
  auto bytes = serialize_response(json_response(200, "12345"), 11, true, true, false);
  EXPECT_NE(bytes.find("Content-Length: 5\r\n\r\n"), std::string::npos);
  EXPECT_EQ(bytes.substr(bytes.size() - 4), "\r\n\r\n");
}

TEST(response_writer, no_content_has_no_length_and_close_is_announced) {
  auto bytes = serialize_response(no_content(), 11, false, false, false);
  EXPECT_EQ(bytes.rfind("HTTP/1.1 204 No Content\r\n", 0), 0u);
  EXPECT_EQ(bytes.find("Content-Length"), std::string::npos);
  EXPECT_NE(bytes.find("Connection: close\r\n"), std::string::npos);
}

TEST(response_writer, http10_keep_alive_is_explicit) {
  auto bytes = serialize_response(json_response(200, "{}"), 10, true, false, false);
  EXPECT_EQ(bytes.rfind("HTTP/1.0 200 OK\r\n", 0), 0u);
  EXPECT_NE(bytes.find("Connection: keep-alive\r\n"), std::string::npos);
}

TEST(response_writer, header_values_cannot_inject_headers) {
  auto bytes =
      serialize_response(no_content().with_header("Location", "/x\r\nSet-Cookie: evil=1"), 11, true, false, false);
  EXPECT_EQ(bytes.find("\r\nSet-Cookie"), std::string::npos);
  EXPECT_NE(bytes.find("Location: /x  Set-Cookie: evil=1\r\n"), std::string::npos);
}
