#include "registry/selector.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/system/system_error.hpp>
#include <filesystem>
#include <iterator>
#include <set>

#include "registry/device_store.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace mothership::registry {
namespace {

using op = requirement::op;

selector parsed(std::string_view text) {
  auto s = parse_selector(text);
  EXPECT_TRUE(s) << text << ": " << (s ? "" : s.error().message);
  return s ? *s : selector{};
}

// ---- grammar ----

TEST(selector_parse, every_form) {
  struct form {
    std::string text;
    requirement expected;
  };
  const std::vector<form> forms = {
      {"site=lab", {"site", op::equals, {"lab"}}},
      {"site==lab", {"site", op::equals, {"lab"}}},
      {"site!=lab", {"site", op::not_equals, {"lab"}}},
      {"site in (a,b)", {"site", op::in, {"a", "b"}}},
      {"site in(a)", {"site", op::in, {"a"}}},
      {"site notin (a, b ,c)", {"site", op::not_in, {"a", "b", "c"}}},
      {"beta", {"beta", op::exists, {}}},
      {"!beta", {"beta", op::not_exists, {}}},
      {"! beta", {"beta", op::not_exists, {}}},
      {"model=Thermo 3", {"model", op::equals, {"Thermo 3"}}},
      {"  model  =  Thermo 3  ", {"model", op::equals, {"Thermo 3"}}},
      {"example.com/rack-1_a=x", {"example.com/rack-1_a", op::equals, {"x"}}},
      {"in in (in)", {"in", op::in, {"in"}}},
      {"notin=x", {"notin", op::equals, {"x"}}},
      {"fw=1.2.3-rc.1+b=7", {"fw", op::equals, {"1.2.3-rc.1+b=7"}}},
      {"city=Zürich", {"city", op::equals, {"Zürich"}}},
      {"\tsite\t=\tlab\t", {"site", op::equals, {"lab"}}},
  };
  for (const auto& f : forms) {
    auto s = parsed(f.text);
    ASSERT_EQ(s.requirements.size(), 1u) << f.text;
    EXPECT_EQ(s.requirements[0], f.expected) << f.text;
  }
}

TEST(selector_parse, requirements_are_anded_in_order) {
  auto s = parsed("model=Thermo 3,site in (a,b),!beta");
  ASSERT_EQ(s.requirements.size(), 3u);
  EXPECT_EQ(s.requirements[0], (requirement{"model", op::equals, {"Thermo 3"}}));
  EXPECT_EQ(s.requirements[1], (requirement{"site", op::in, {"a", "b"}}));
  EXPECT_EQ(s.requirements[2], (requirement{"beta", op::not_exists, {}}));
}

TEST(selector_parse, empty_selects_everything) {
  EXPECT_TRUE(parsed("").empty());
  EXPECT_TRUE(parsed("   ").empty());
}

TEST(selector_parse, canonical_text_round_trips) {
  for (const char* text : {"model=Thermo 3,site in (a,b),!beta", "a!=b , c notin ( x , y ), d", "x==y"}) {
    auto s = parsed(text);
    EXPECT_EQ(parsed(to_string(s)), s) << text << " -> " << to_string(s);
  }
  EXPECT_EQ(to_string(parsed(" a = b ,c in (x, y),  !d ")), "a=b,c in (x,y),!d");
}

TEST(selector_parse, every_error_says_what_and_where) {
  struct bad {
    std::string text;
    std::size_t position;
    std::string message_part;
  };
  const std::vector<bad> cases = {
      {",", 1, "expected a key, found ','"},
      {"a,", 3, "expected a key at the end"},
      {"a,,b", 3, "expected a key, found ','"},
      {"=x", 1, "expected a key, found '='"},
      {"!", 2, "expected a key at the end"},
      {"!=x", 2, "expected a key, found '='"},
      {"a$b", 2, "expected '=', '!=', 'in', 'notin', ',' or the end after the key 'a'"},
      {"model Thermo", 7, "after the key 'model'"},
      {"site inside (a)", 6, "after the key 'site'"},
      {"a=", 3, "expected a value"},
      {"a=  ,b", 5, "expected a value"},
      {"a!=", 4, "expected a value"},
      {"a=b(c)", 4, "'(' is not allowed in a value"},
      {"a=b)", 4, "')' is not allowed in a value"},
      {"a=b\x01", 4, "control characters"},
      {"site in a,b", 9, "expected '(' after 'in'"},
      {"site notin", 11, "expected '(' after 'notin'"},
      {"site in (a,b", 13, "expected ')' to close the list"},
      {"site in (", 10, "expected a value in the list"},
      {"site in ()", 10, "expected a value in the list"},
      {"site in (a,,b)", 12, "expected a value in the list"},
      {"site in (a(b))", 11, "'(' is not allowed in a value"},
      {"site in (a) x", 13, "expected ',' or the end"},
      {"!beta=1", 6, "expected ',' or the end"},
      {"city=Zürich,=", 13, "expected a key"},  // positions count characters, not bytes
      {std::string(64, 'k'), 1, "keys are at most 63 characters"},
      {"a=" + std::string(129, 'v'), 3, "values are at most 128 bytes"},
      {std::string(4097, 'a'), 4097, "at most 4096 bytes"},
  };
  for (const auto& c : cases) {
    auto s = parse_selector(c.text);
    ASSERT_FALSE(s) << c.text;
    EXPECT_EQ(s.error().code, make_error_code(errc::selector_syntax));
    EXPECT_EQ(s.error().position, c.position) << c.text << ": " << s.error().message;
    EXPECT_NE(s.error().message.find(c.message_part), std::string::npos) << c.text << ": " << s.error().message;
  }
  EXPECT_TRUE(parse_selector(std::string(63, 'k')));
  EXPECT_TRUE(parse_selector("a=" + std::string(128, 'v')));
}

TEST(selector_parse, value_throws_on_an_error) {
  EXPECT_THROW(parse_selector("a,").value(), boost::system::system_error);
}

// ---- SQL and memory agree ----

struct sample_device {
  std::string id, model;
  std::optional<std::string> firmware;
  label_map labels;
};

const std::vector<sample_device> fleet = {
    {"dev_1", "Thermo 3", "1.0.0", {{"site", "a"}, {"beta", "yes"}}},
    {"dev_2", "Thermo 3", std::nullopt, {{"site", "b"}}},
    {"dev_3", "Thermo 2", "2.0.0", {{"site", "c"}, {"tier", "gold"}}},
    {"dev_4", "Valve", "1.0.0", {}},
    {"dev_5", "Valve", "2.0.0", {{"site", "a b"}, {"example.com/rack", "r1"}, {"empty", ""}}},
    {"dev_6", "Thermo 3", "1.0.0", {{"site", "A"}, {"beta", "no"}}},
};

class selector_sql_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ms_selector_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<storage::sqlite_database>((dir_ / "db").string(), 2);
    db_->write([](storage::connection& c) {
      for (const auto& s : fleet) {
        device d;
        d.id = s.id;
        d.serial = "SN-" + s.id;
        d.model = s.model;
        d.hw_revision = "r1";
        d.labels_json = labels_json(s.labels);
        d.firmware_version = s.firmware;
        device_store::insert(c, d);
      }
    });
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::set<std::string> by_sql(const selector& s) {
    // Behind a parameter of the caller's own, under an alias, as a jobs engine would use it.
    auto condition = to_sql(s, 2, "d");
    storage::params p{std::string("dev_0")};
    p.insert(p.end(), condition.params.begin(), condition.params.end());
    std::set<std::string> out;
    db_->read([&](storage::connection& c) {
      for (const auto& r : c.query("SELECT d.id FROM devices d WHERE d.id > $1 AND " + condition.where, p))
        out.insert(r.text(0));
    });
    return out;
  }
  static std::set<std::string> in_memory(const selector& s) {
    std::set<std::string> out;
    for (const auto& d : fleet) {
      std::optional<std::string_view> fw;
      if (d.firmware) fw = *d.firmware;
      if (matches(s, {d.model, fw, d.labels})) out.insert(d.id);
    }
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::sqlite_database> db_;
};

TEST_F(selector_sql_test, sql_and_memory_select_the_same_devices) {
  using ids = std::set<std::string>;
  const ids all = {"dev_1", "dev_2", "dev_3", "dev_4", "dev_5", "dev_6"};
  const std::vector<std::pair<std::string, ids>> cases = {
      {"", all},
      {"model=Thermo 3", {"dev_1", "dev_2", "dev_6"}},
      {"model!=Thermo 3", {"dev_3", "dev_4", "dev_5"}},
      {"model in (Thermo 2, Valve)", {"dev_3", "dev_4", "dev_5"}},
      {"model notin (Valve)", {"dev_1", "dev_2", "dev_3", "dev_6"}},
      {"model", all},
      {"!model", {}},
      {"firmware_version=1.0.0", {"dev_1", "dev_4", "dev_6"}},
      {"firmware_version!=1.0.0", {"dev_2", "dev_3", "dev_5"}},  // dev_2 has none
      {"firmware_version", {"dev_1", "dev_3", "dev_4", "dev_5", "dev_6"}},
      {"!firmware_version", {"dev_2"}},
      {"firmware_version notin (1.0.0, 2.0.0)", {"dev_2"}},
      {"site=a", {"dev_1"}},  // exact, case-sensitive
      {"site=A", {"dev_6"}},
      {"site!=a", {"dev_2", "dev_3", "dev_4", "dev_5", "dev_6"}},  // dev_4 has no site
      {"site in (a,b)", {"dev_1", "dev_2"}},
      {"site notin (a,b)", {"dev_3", "dev_4", "dev_5", "dev_6"}},
      {"site=a b", {"dev_5"}},
      {"site in (a b, c)", {"dev_3", "dev_5"}},
      {"site", {"dev_1", "dev_2", "dev_3", "dev_5", "dev_6"}},
      {"!site", {"dev_4"}},
      {"beta", {"dev_1", "dev_6"}},
      {"!beta", {"dev_2", "dev_3", "dev_4", "dev_5"}},
      {"empty", {"dev_5"}},
      {"example.com/rack=r1", {"dev_5"}},
      {"nosuchlabel", {}},
      {"nosuchlabel!=x", all},
      {"model=Thermo 3,site in (a,b),!beta", {"dev_2"}},
      {"model=Thermo 3, beta, site notin (A)", {"dev_1"}},
      {"tier=gold,firmware_version=2.0.0", {"dev_3"}},
      {"site=a,site=b", {}},
      {"site in (a,b,c),site notin (b)", {"dev_1", "dev_3"}},
  };
  for (const auto& [text, expected] : cases) {
    auto s = parsed(text);
    EXPECT_EQ(in_memory(s), expected) << "memory: " << text;
    EXPECT_EQ(by_sql(s), expected) << "sql: " << text << "\n" << to_sql(s, 2, "d").where;
    // The complement of one requirement is the complement in both readings.
    if (s.requirements.size() == 1) {
      auto negated = to_sql(s, 2, "d");
      ids rest;
      std::set_difference(all.begin(), all.end(), expected.begin(), expected.end(), std::inserter(rest, rest.end()));
      storage::params p{std::string("dev_0")};
      p.insert(p.end(), negated.params.begin(), negated.params.end());
      ids got;
      db_->read([&](storage::connection& c) {
        for (const auto& r : c.query("SELECT d.id FROM devices d WHERE d.id > $1 AND NOT " + negated.where, p))
          got.insert(r.text(0));
      });
      EXPECT_EQ(got, rest) << "NOT " << text;
    }
  }
}

TEST_F(selector_sql_test, sql_is_parameterised_and_portable) {
  auto condition = to_sql(parsed("site in (x'; DROP TABLE devices; --, b), model=Thermo 3"), 5);
  EXPECT_EQ(condition.where.find("DROP"), std::string::npos);
  EXPECT_EQ(condition.where.find("json_"), std::string::npos);
  EXPECT_NE(condition.where.find("$5"), std::string::npos);
  EXPECT_NE(condition.where.find("$8"), std::string::npos);
  EXPECT_EQ(condition.params.size(), 4u);  // key, two values, model
  EXPECT_EQ(to_sql(selector{}).where, "(1 = 1)");
}

TEST_F(selector_sql_test, the_device_list_filters_by_selector) {
  device_store::list_filter f;
  f.selector = parsed("model=Thermo 3,!beta");
  auto page = db_->read_result([&](storage::connection& c) { return device_store::list(c, f); });
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, "dev_2");
  f = {};
  f.label_key = "site";
  f.label_value = "a b";
  page = db_->read_result([&](storage::connection& c) { return device_store::list(c, f); });
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, "dev_5");
}

TEST_F(selector_sql_test, setting_labels_keeps_both_copies_in_step) {
  db_->write([](storage::connection& c) { device_store::set_labels(c, "dev_4", {{"site", "z"}}, 1); });
  auto d = db_->read_result([](storage::connection& c) { return device_store::find(c, "dev_4"); });
  EXPECT_EQ(d->labels_json, "{\"site\":\"z\"}");
  EXPECT_EQ(by_sql(parsed("site=z")), std::set<std::string>{"dev_4"});
  db_->write([](storage::connection& c) { device_store::set_labels(c, "dev_1", {}, 1); });
  EXPECT_EQ(by_sql(parsed("beta")), std::set<std::string>{"dev_6"});
}

}  // namespace
}  // namespace mothership::registry
