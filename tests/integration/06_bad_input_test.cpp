// 06 Hostile and broken input: every case gets a clean HTTP error, changes nothing, and the
// server keeps answering (checked after each test).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <regex>
#include <set>

#include "api_client.hpp"
#include "server_process.hpp"

namespace mothership::integration {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using clock_type = std::chrono::steady_clock;

const std::string problem_base = "https://mothership.dev/problems/";

std::string problem_type(const http_response& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("type")) return "<no problem type>";
  return std::string(v.at("type").as_string());
}

std::set<std::string> error_fields(const http_response& r) {
  std::set<std::string> out;
  json::value body = json::parse(r.body);
  if (auto* errors = body.as_object().if_contains("errors"))
    for (const auto& e : errors->as_array()) out.insert(std::string(e.at("field").as_string()));
  return out;
}

class BadInput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<server_process>(
        server_options{.env = {{"MOTHERSHIP_HTTP_HEADER_TIMEOUT_S", "2"}, {"MOTHERSHIP_HTTP_REQUEST_TIMEOUT_S", "3"}}});
    api_client api(server_->port());
    auto admin = login_session(api, "admin", admin_password);
    admin_token_ = admin.access_token;
    admin_id_ = admin.user_id;
    viewer_id_ = create_user(api, admin_token_, "bad-input-viewer", "viewer", "a-good-password");
    viewer_token_ = login(api, "bad-input-viewer", "a-good-password");
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->stop(), 0) << server_->log_tail();
    server_.reset();
  }

  void SetUp() override { users_before_ = user_count(); }
  void TearDown() override {
    auto health = send_request(port(), {"GET", "/healthz"}, milliseconds(5000));
    EXPECT_EQ(health.status, 200) << "the server stopped answering" << health;
  }

  static int port() { return server_->port(); }
  api_client api() const { return api_client(port()); }

  int user_count() const {
    auto r = api().get("/api/v1/users?limit=200", admin_token_);
    EXPECT_EQ(r.status, 200) << r;
    return r.status == 200 ? static_cast<int>(json::parse(r.body).at("items").as_array().size()) : -1;
  }
  void expect_users_unchanged() const { EXPECT_EQ(user_count(), users_before_); }

  http_response post_users_raw(const std::string& body, const std::string& content_type = "application/json") const {
    http_request r{"POST", "/api/v1/users", {}, body};
    if (!content_type.empty()) r.headers.emplace_back("Content-Type", content_type);
    return api().send(r, admin_token_);
  }

  static std::string head(const std::string& method, const std::string& target, const header_list& headers) {
    std::string out = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [k, v] : headers) out += k + ": " + v + "\r\n";
    return out;
  }

  static std::unique_ptr<server_process> server_;
  static std::string admin_token_, admin_id_, viewer_id_, viewer_token_;
  int users_before_ = 0;
};
std::unique_ptr<server_process> BadInput::server_;
std::string BadInput::admin_token_, BadInput::admin_id_, BadInput::viewer_id_, BadInput::viewer_token_;

TEST_F(BadInput, MalformedJsonIs400WithTheBytePosition) {
  auto r = post_users_raw(R"({"username": "broken", "role": })");
  ASSERT_EQ(r.status, 400) << r;
  EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(problem_type(r), problem_base + "malformed-json") << r;
  std::string detail(json::parse(r.body).at("detail").as_string());
  EXPECT_TRUE(std::regex_search(detail, std::regex("byte [0-9]+"))) << detail;

  auto trailing = post_users_raw(R"({"username":"x"}garbage)");
  EXPECT_EQ(trailing.status, 400) << trailing;
  EXPECT_NE(trailing.body.find("byte 16"), std::string::npos) << trailing;

  for (const char* body : {"", "{", "nul", "[1,2,3]", "\"just a string\"", "{\"a\":1,}", "{'single':'quotes'}"}) {
    auto each = post_users_raw(body);
    EXPECT_EQ(each.status, 400) << "body: " << body << each;
    EXPECT_EQ(problem_type(each), problem_base + "malformed-json") << "body: " << body;
  }
  expect_users_unchanged();
}

TEST_F(BadInput, JsonNested100000DeepIs400) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto r = post_users_raw(deep);
  EXPECT_EQ(r.status, 400) << r;
  EXPECT_EQ(problem_type(r), problem_base + "malformed-json");
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(100000, '}');
  auto o = post_users_raw(objects);
  EXPECT_EQ(o.status, 400) << o;
  expect_users_unchanged();
}

TEST_F(BadInput, InvalidUtf8InAJsonStringIs400) {
  for (const std::string bad : {"\xff\xfe", "\xc3\x28", "\xed\xa0\x80", "\xe2\x82"}) {
    auto r = post_users_raw("{\"username\":\"utf" + bad + "8\",\"role\":\"viewer\",\"password\":\"a-good-password\"}");
    EXPECT_EQ(r.status, 400) << r;
    EXPECT_EQ(problem_type(r), problem_base + "malformed-json");
  }
  expect_users_unchanged();
}

TEST_F(BadInput, WrongTypesAre422NamingTheField) {
  auto role = post_users_raw(R"({"username":"typed","role":5,"password":"a-good-password"})");
  ASSERT_EQ(role.status, 422) << role;
  EXPECT_EQ(error_fields(role), std::set<std::string>{"role"});
  auto many = post_users_raw(R"({"username":["typed"],"role":{"r":1},"password":1234567890123})");
  ASSERT_EQ(many.status, 422) << many;
  EXPECT_EQ(error_fields(many), (std::set<std::string>{"username", "role", "password"}));
  expect_users_unchanged();

  auto before = api().get("/api/v1/users/" + viewer_id_, admin_token_);
  for (const char* patch :
       {R"({"disabled":"yes"})", R"({"disabled":1})", R"({"role":true})", R"({"display_name":42})"}) {
    auto r = api().patch_json("/api/v1/users/" + viewer_id_, patch, admin_token_);
    EXPECT_EQ(r.status, 422) << patch << r;
  }
  auto after = api().get("/api/v1/users/" + viewer_id_, admin_token_);
  EXPECT_EQ(after.body, before.body);
}

TEST_F(BadInput, UnknownFieldsAreIgnored) {
  auto r = post_users_raw(R"({"username":"with-extras","role":"viewer","password":"a-good-password",)"
                          R"("is_superuser":true,"id":"usr_forged","favourite":{"colour":"blue"}})");
  ASSERT_EQ(r.status, 201) << r;
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body.at("role"), "viewer");
  EXPECT_NE(body.at("id"), "usr_forged");
  EXPECT_FALSE(body.contains("is_superuser"));
  EXPECT_EQ(user_count(), users_before_ + 1);
}

TEST_F(BadInput, WrongContentTypeIs415) {
  const std::string valid = R"({"username":"typed-415","role":"viewer","password":"a-good-password"})";
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "application/jsonp", ""}) {
    auto r = post_users_raw(valid, type);
    EXPECT_EQ(r.status, 415) << "Content-Type: " << type << r;
    EXPECT_EQ(problem_type(r), problem_base + "unsupported-media-type");
  }
  expect_users_unchanged();
  auto with_charset = post_users_raw(valid, "application/json; charset=utf-8");
  EXPECT_EQ(with_charset.status, 201) << with_charset;
}

TEST_F(BadInput, MediaTypeIsMatchedCaseInsensitively) {
  // RFC 9110 8.3.1: type and subtype are case-insensitive.
  auto r = post_users_raw(R"({"username":"mixed-case-type","role":"viewer","password":"a-good-password"})",
                          "Application/JSON");
  EXPECT_EQ(r.status, 201) << r;
}

TEST_F(BadInput, ConflictingBodyLengthsAre400) {
  const std::string body = R"({"username":"smuggled","role":"viewer","password":"a-good-password"})";
  const std::string auth = "Authorization: Bearer " + admin_token_ + "\r\nContent-Type: application/json\r\n";
  for (const std::string& framing :
       {"Content-Length: " + std::to_string(body.size()) + "\r\nContent-Length: 5\r\n",
        "Content-Length: " + std::to_string(body.size()) + "\r\nTransfer-Encoding: chunked\r\n",
        std::string("Content-Length: -1\r\n"), std::string("Content-Length: 0x40\r\n")}) {
    http_connection c(port());
    c.send("POST /api/v1/users HTTP/1.1\r\nHost: x\r\n" + auth + framing + "\r\n" + body);
    auto r = c.read_response();
    EXPECT_EQ(r.status, 400) << framing << r;
    EXPECT_TRUE(c.wait_closed(milliseconds(3000))) << framing;
  }
  expect_users_unchanged();
}

TEST_F(BadInput, TwentyKilobyteUrlIsRefused) {
  auto r = api().get("/api/v1/audit?action=" + std::string(20 * 1024, 'a'), admin_token_);
  EXPECT_TRUE(r.status == 414 || r.status == 431) << r;
}

TEST_F(BadInput, DeclaredHundredMegabyteBodyIs413BeforeItIsRead) {
  http_connection c(port());
  auto result = c.stream_request(head("POST", "/api/v1/users",
                                      {{"Authorization", "Bearer " + admin_token_},
                                       {"Content-Type", "application/json"},
                                       {"Content-Length", "104857600"}}) +
                                     "\r\n{\"username\":\"",
                                 104857600, milliseconds(20000));
  ASSERT_TRUE(result.response) << "no response; sent " << result.bytes_sent << " bytes";
  EXPECT_EQ(result.response->status, 413) << *result.response;
  EXPECT_EQ(problem_type(*result.response), problem_base + "payload-too-large");
  EXPECT_LT(result.elapsed.count(), 5000);
  EXPECT_LT(result.bytes_sent, 50u << 20) << "the server read far more than it needed";
  EXPECT_TRUE(result.peer_closed) << "the connection stayed open";
  expect_users_unchanged();
}

TEST_F(BadInput, ChunkedBodyOverTheLimitIs413) {
  http_connection c(port());
  auto result = c.stream_request(head("POST", "/api/v1/users",
                                      {{"Authorization", "Bearer " + admin_token_},
                                       {"Content-Type", "application/json"},
                                       {"Transfer-Encoding", "chunked"}}) +
                                     "\r\n2000000\r\n",  // one 32 MB chunk
                                 32u << 20, milliseconds(20000));
  ASSERT_TRUE(result.response) << "no response; sent " << result.bytes_sent << " bytes";
  EXPECT_EQ(result.response->status, 413) << *result.response;
  EXPECT_LT(result.bytes_sent, 16u << 20);
  EXPECT_TRUE(result.peer_closed);
  expect_users_unchanged();
}

TEST_F(BadInput, SixtyFourKilobytesOfHeadersIs431) {
  http_connection c(port());
  std::string request = head("GET", "/healthz", {{"X-Filler", std::string(64 * 1024, 'h')}}) + "\r\n";
  auto result = c.stream_request(request, 0, milliseconds(10000));
  ASSERT_TRUE(result.response) << "no response";
  EXPECT_EQ(result.response->status, 431) << *result.response;
  EXPECT_EQ(problem_type(*result.response), problem_base + "header-too-large");
  EXPECT_TRUE(result.peer_closed);

  // Many small headers add up the same way.
  http_connection many(port());
  std::string lots = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 2000; ++i) lots += "X-H" + std::to_string(i) + ": " + std::string(30, 'v') + "\r\n";
  auto second = many.stream_request(lots + "\r\n", 0, milliseconds(10000));
  ASSERT_TRUE(second.response);
  EXPECT_EQ(second.response->status, 431) << *second.response;
}

TEST_F(BadInput, TricklingClientIsCutOffWhileOthersAreServed) {
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: yes\r\n\r\n";
  http_connection trickler(port());
  http_connection silent(port());  // connects and never sends a byte
  auto start = clock_type::now();
  auto elapsed_ms = [&] { return std::chrono::duration_cast<milliseconds>(clock_type::now() - start).count(); };
  std::optional<long> trickler_closed_at, silent_closed_at;
  std::size_t sent = 0;
  int others_served = 0;
  while (elapsed_ms() < 10000 && (!trickler_closed_at || !silent_closed_at)) {
    if (!trickler_closed_at) {
      if (trickler.try_send(request.substr(sent, 1)))
        ++sent;
      else
        trickler_closed_at = elapsed_ms();
    }
    // Meanwhile another client is served at once.
    auto asked = clock_type::now();
    auto other = send_request(port(), {"GET", "/healthz"}, milliseconds(5000));
    EXPECT_EQ(other.status, 200) << other;
    EXPECT_LT(std::chrono::duration_cast<milliseconds>(clock_type::now() - asked).count(), 1000);
    ++others_served;

    if (!silent_closed_at && silent.wait_closed(milliseconds(0))) silent_closed_at = elapsed_ms();
    if (!trickler_closed_at) {
      if (trickler.wait_closed(milliseconds(1000))) trickler_closed_at = elapsed_ms();
    } else if (!silent_closed_at && silent.wait_closed(milliseconds(1000))) {
      silent_closed_at = elapsed_ms();
    }
  }
  ASSERT_TRUE(trickler_closed_at) << "a client sending one byte per second was never cut off";
  EXPECT_GE(*trickler_closed_at, 1500);  // the 2 s header timeout, not an instant refusal
  EXPECT_LE(*trickler_closed_at, 5000);
  EXPECT_LT(sent, request.size()) << "the whole request got through";
  ASSERT_TRUE(silent_closed_at) << "a silent connection was never closed";
  EXPECT_LE(*silent_closed_at, 5000);
  EXPECT_GE(others_served, 2);
}

TEST_F(BadInput, SlowBodyIsCutOffAtTheRequestTimeout) {
  const std::string body = R"({"username":"slow-body","role":"viewer","password":"a-good-password"})";
  http_connection c(port());
  c.send(head("POST", "/api/v1/users",
              {{"Authorization", "Bearer " + admin_token_},
               {"Content-Type", "application/json"},
               {"Content-Length", std::to_string(body.size())}}) +
         "\r\n");
  auto start = clock_type::now();
  std::size_t sent = 0;
  bool closed = false;
  while (!closed && sent < body.size() && clock_type::now() - start < std::chrono::seconds(10)) {
    if (!c.try_send(body.substr(sent++, 1))) break;
    closed = c.wait_closed(milliseconds(500));
  }
  closed = closed || c.wait_closed(milliseconds(2000));
  auto took = std::chrono::duration_cast<milliseconds>(clock_type::now() - start).count();
  EXPECT_TRUE(closed) << "a body sent at two bytes per second was never cut off";
  EXPECT_LT(sent, body.size());
  EXPECT_GE(took, 2500);  // the 3 s request timeout
  EXPECT_LE(took, 6000);
  expect_users_unchanged();
}

TEST_F(BadInput, SqlMetacharactersInAuditFiltersMatchNothingAndHarmNothing) {
  auto all_before = api().get("/api/v1/audit?limit=500", admin_token_);
  ASSERT_EQ(all_before.status, 200) << all_before;
  std::size_t entries_before = json::parse(all_before.body).at("items").as_array().size();
  ASSERT_GT(entries_before, 0u);

  const std::vector<std::string> payloads = {
      "' OR 1=1 --", "\"; DROP TABLE users; --",     "x'; DELETE FROM audit_log; --", "%' OR '%'='",
      "1) OR (1=1",  "\\'; DROP TABLE audit_log; --"};
  for (const char* filter : {"actor_type", "actor_id", "action", "target_type", "target_id"}) {
    for (const auto& p : payloads) {
      auto r = api().get("/api/v1/audit?" + std::string(filter) + "=" + url_encode(p), admin_token_);
      ASSERT_EQ(r.status, 200) << filter << "=" << p << r;
      EXPECT_TRUE(json::parse(r.body).at("items").as_array().empty()) << filter << "=" << p << r;
    }
  }
  // The validated filters refuse such text instead.
  for (const char* filter : {"result", "since", "until", "cursor", "limit"}) {
    for (const auto& p : payloads) {
      auto r = api().get("/api/v1/audit?" + std::string(filter) + "=" + url_encode(p), admin_token_);
      EXPECT_EQ(r.status, 422) << filter << "=" << p << r;
    }
  }
  // Elsewhere too: a path id and a login name.
  auto by_id = api().get("/api/v1/users/" + url_encode("' OR '1'='1"), admin_token_);
  EXPECT_EQ(by_id.status, 404) << by_id;
  auto sneaky = api().post_json("/api/v1/auth/login", login_body("admin' --", "anything-at-all"));
  EXPECT_EQ(sneaky.status, 401) << sneaky;

  expect_users_unchanged();
  auto all_after = api().get("/api/v1/audit?limit=500", admin_token_);
  ASSERT_EQ(all_after.status, 200);
  // Only the failed login above was added.
  EXPECT_EQ(json::parse(all_after.body).at("items").as_array().size(), entries_before + 1);
}

TEST_F(BadInput, TenMegabyteBearerTokenIs431AndThreeKilobyteJunkTokenIs401) {
  http_connection c(port());
  auto result =
      c.stream_request(head("GET", "/api/v1/me", {}) + "Authorization: Bearer ", 10u << 20, milliseconds(20000));
  ASSERT_TRUE(result.response) << "no response; sent " << result.bytes_sent;
  EXPECT_EQ(result.response->status, 431) << *result.response;
  EXPECT_TRUE(result.peer_closed);

  std::string junk = std::string(1000, 'a') + "." + std::string(1000, 'b') + "." + std::string(998, 'c');
  auto r = api().get("/api/v1/me", junk);
  EXPECT_EQ(r.status, 401) << r;
  EXPECT_EQ(problem_type(r), problem_base + "unauthorized");
  auto undotted = api().get("/api/v1/me", std::string(3000, 'z'));
  EXPECT_EQ(undotted.status, 401) << undotted;
  auto over_token_limit = api().get("/api/v1/me", std::string(6000, 'q'));
  EXPECT_EQ(over_token_limit.status, 401) << over_token_limit;
  auto not_bearer = api().send({"GET", "/api/v1/me", {{"Authorization", "Basic YWRtaW46YWRtaW4="}}});
  EXPECT_EQ(not_bearer.status, 401) << not_bearer;
}

TEST_F(BadInput, AlgNoneAndTamperedTokensAre401) {
  auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::string claims = json::serialize(json::object{{"sub", admin_id_},
                                                    {"role", "admin"},
                                                    {"iat", now},
                                                    {"exp", now + 900},
                                                    {"jti", "forged"},
                                                    {"iss", "mothership"},
                                                    {"aud", "mothership-api"}});
  std::string real_kid =
      std::string(json::parse(base64url_decode(admin_token_.substr(0, admin_token_.find('.')))).at("kid").as_string());
  for (const json::object& header :
       {json::object{{"alg", "none"}, {"typ", "JWT"}}, json::object{{"alg", "none"}, {"typ", "JWT"}, {"kid", real_kid}},
        json::object{{"alg", "NONE"}, {"kid", real_kid}}, json::object{{"alg", "HS256"}, {"kid", real_kid}}}) {
    std::string unsigned_token = base64url_encode(json::serialize(header)) + "." + base64url_encode(claims) + ".";
    auto r = api().get("/api/v1/users", unsigned_token);
    EXPECT_EQ(r.status, 401) << json::serialize(header) << r;
    auto with_junk_sig = api().get("/api/v1/users", unsigned_token + base64url_encode("not a signature"));
    EXPECT_EQ(with_junk_sig.status, 401) << json::serialize(header) << with_junk_sig;
  }

  // A viewer's real token with the payload rewritten to say admin: the signature no longer fits.
  auto first_dot = viewer_token_.find('.');
  auto second_dot = viewer_token_.find('.', first_dot + 1);
  auto payload = json::parse(base64url_decode(viewer_token_.substr(first_dot + 1, second_dot - first_dot - 1)));
  ASSERT_EQ(payload.at("role"), "viewer");
  payload.as_object()["role"] = "admin";
  std::string forged = viewer_token_.substr(0, first_dot + 1) + base64url_encode(json::serialize(payload)) +
                       viewer_token_.substr(second_dot);
  auto r = api().get("/api/v1/users", forged);
  EXPECT_EQ(r.status, 401) << r;
  // The untouched token still works (for what a viewer may do).
  EXPECT_EQ(api().get("/api/v1/me", viewer_token_).status, 200);
  expect_users_unchanged();
}

TEST_F(BadInput, PutOnTheUserCollectionIs405WithAllow) {
  for (const std::string& token : {admin_token_, std::string()}) {
    auto r = api().send({"PUT", "/api/v1/users", {{"Content-Type", "application/json"}}, "{}"}, token);
    ASSERT_EQ(r.status, 405) << r;
    EXPECT_EQ(r.header("Allow"), "GET, POST") << r;
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
    EXPECT_EQ(problem_type(r), problem_base + "method-not-allowed");
  }
  auto one =
      api().send({"POST", "/api/v1/users/" + viewer_id_, {{"Content-Type", "application/json"}}, "{}"}, admin_token_);
  EXPECT_EQ(one.status, 405) << one;
  EXPECT_EQ(one.header("Allow"), "DELETE, GET, PATCH") << one;
  expect_users_unchanged();
}

TEST_F(BadInput, UnknownApiPathIs404Problem) {
  for (const std::string& token : {admin_token_, std::string()}) {
    auto r = api().get("/api/v1/nothing", token);
    EXPECT_EQ(r.status, 404) << r;
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json") << r;
    EXPECT_EQ(problem_type(r), problem_base + "not-found");
  }
  EXPECT_EQ(api().get("/api/v1/users/extra/segments", admin_token_).status, 404);
}

TEST_F(BadInput, GarbageRequestLineIs400) {
  http_connection c(port());
  c.send("HELLO THERE\r\n\r\n");
  auto r = c.read_response();
  EXPECT_EQ(r.status, 400) << r;
  EXPECT_TRUE(c.wait_closed(milliseconds(3000)));
  http_connection binary(port());
  binary.send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + std::string(64, '\0') + "\r\n\r\n");
  EXPECT_TRUE(binary.wait_closed(milliseconds(5000)));  // a TLS hello to a plain port: answered or dropped, promptly
}

TEST_F(BadInput, InvalidRequestIdIsReplaced) {
  for (const std::string& bad : {std::string("has spaces in it"), std::string(65, 'a'), std::string("semi;colon")}) {
    auto r = api().send({"GET", "/healthz", {{"X-Request-Id", bad}}});
    ASSERT_EQ(r.status, 200);
    auto id = r.header("X-Request-Id");
    ASSERT_TRUE(id);
    EXPECT_NE(*id, bad);
    EXPECT_TRUE(std::regex_match(*id, std::regex("[A-Za-z0-9_.-]{1,64}"))) << *id;
  }
}

TEST_F(BadInput, MetricsCountRequestsAndReportGauges) {
  ASSERT_EQ(api().get("/healthz").status, 200);
  auto first = api().get("/metrics");
  ASSERT_EQ(first.status, 200) << first;
  EXPECT_EQ(first.header("Content-Type").value_or("").rfind("text/plain", 0), 0u) << first;
  const std::string counter = R"(mothership_http_requests_total{route="GET /healthz",status="200"} )";
  for (const std::string& name :
       {counter, std::string("mothership_http_request_duration_seconds_bucket"),
        std::string("mothership_process_resident_memory_bytes"), std::string("mothership_db_pool_connections")})
    EXPECT_NE(first.body.find(name), std::string::npos) << name << "\n" << first.body;

  auto count_of = [&](const std::string& body) {
    auto pos = body.find(counter);
    return pos == std::string::npos ? -1L : std::stol(body.substr(pos + counter.size()));
  };
  long before = count_of(first.body);
  ASSERT_GT(before, 0);
  ASSERT_EQ(api().get("/healthz").status, 200);
  EXPECT_EQ(count_of(api().get("/metrics").body), before + 1);

  const std::string rss_line = "\nmothership_process_resident_memory_bytes ";
  auto rss = first.body.find(rss_line);
  ASSERT_NE(rss, std::string::npos);
  EXPECT_GT(std::stol(first.body.substr(rss + rss_line.size())), 1000000L);
}

TEST_F(BadInput, ReadyzIs200) {
  auto r = api().get("/readyz");
  EXPECT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.body, R"({"status":"ready"})");
}

}  // namespace
}  // namespace mothership::integration
