#include "storage/like.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "storage/sqlite/sqlite_database.hpp"

namespace mothership::storage {
namespace {

TEST(like, escapes_the_wildcards_and_the_escape_character) {
  EXPECT_EQ(like_contains("abc"), "%abc%");
  EXPECT_EQ(like_contains("50%"), "%50\\%%");
  EXPECT_EQ(like_contains("a_b"), "%a\\_b%");
  EXPECT_EQ(like_contains("c:\\x"), "%c:\\\\x%");
  EXPECT_EQ(like_contains(""), "%%");
}

TEST(like, matches_only_the_literal_characters_in_sqlite) {
  auto path = std::filesystem::temp_directory_path() / ("ms_like_" + std::to_string(::getpid()));
  std::filesystem::remove(path);
  {
    sqlite_database db(path.string(), 1);
    db.write([](connection& c) {
      c.execute("CREATE TABLE t (v TEXT)");
      for (const char* v : {"plain", "100%", "a_b", "axb", "c:\\d", "c:d"})
        c.execute("INSERT INTO t VALUES ($1)", {std::string(v)});
    });
    auto matching = [&](std::string_view q) {
      return db.read_result([&](connection& c) {
        std::vector<std::string> out;
        for (const auto& r :
             c.query("SELECT v FROM t WHERE v LIKE $1" + std::string(like_escape_clause) + " ORDER BY v",
                     {like_contains(q)}))
          out.push_back(r.text(0));
        return out;
      });
    };
    EXPECT_EQ(matching("%"), std::vector<std::string>{"100%"});
    EXPECT_EQ(matching("_"), std::vector<std::string>{"a_b"});
    EXPECT_EQ(matching("\\"), std::vector<std::string>{"c:\\d"});
    EXPECT_EQ(matching("a_b"), std::vector<std::string>{"a_b"});
    EXPECT_EQ(matching("").size(), 6u);
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
}

}  // namespace
}  // namespace mothership::storage
