#include "common/secret_file.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace mothership::common;
namespace fs = std::filesystem;

namespace {

class secret_file_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ms_secret_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ::unsetenv("MS_TEST_SECRET");
  }
  void TearDown() override {
    fs::remove_all(dir_);
    ::unsetenv("MS_TEST_SECRET");
  }
  std::string write(const std::string& text, mode_t mode) {
    auto path = (dir_ / "token").string();
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
  }
  fs::path dir_;
};

}  // namespace

TEST_F(secret_file_test, an_owner_only_file_gives_its_first_line) {
  auto r = read_secret_file(write("eyJ.token.sig\r\nignored\n", 0600));
  ASSERT_TRUE(r.value) << r.error;
  EXPECT_EQ(*r.value, "eyJ.token.sig");
  EXPECT_EQ(*read_secret_file(write("no-line-end", 0400)).value, "no-line-end");
}

TEST_F(secret_file_test, a_file_others_can_read_is_refused_with_its_mode_and_the_fix) {
  for (mode_t mode : {0644, 0640, 0604, 0620, 0602}) {
    auto path = write("secret\n", mode);
    auto r = read_secret_file(path);
    EXPECT_FALSE(r.value) << std::oct << mode;
    char expected[8];
    std::snprintf(expected, sizeof expected, "%04o", mode);
    EXPECT_NE(r.error.find(path + ": mode " + expected), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("chmod 600"), std::string::npos) << r.error;
    EXPECT_EQ(r.error.find("secret\n"), std::string::npos) << "the error must not show the secret";
  }
}

TEST_F(secret_file_test, missing_empty_and_non_regular_files_are_refused) {
  EXPECT_NE(read_secret_file((dir_ / "absent").string()).error.find("No such file"), std::string::npos);
  EXPECT_NE(read_secret_file(write("\n", 0600)).error.find("empty"), std::string::npos);
  fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::replace);
  EXPECT_NE(read_secret_file(dir_.string()).error.find("not a regular file"), std::string::npos);
}

TEST_F(secret_file_test, the_file_wins_over_the_environment_and_nothing_gives_empty) {
  EXPECT_EQ(*find_secret("", "MS_TEST_SECRET").value, "");
  ::setenv("MS_TEST_SECRET", "from-env", 1);
  EXPECT_EQ(*find_secret("", "MS_TEST_SECRET").value, "from-env");
  EXPECT_EQ(*find_secret(write("from-file\n", 0600), "MS_TEST_SECRET").value, "from-file");
  EXPECT_FALSE(find_secret(write("from-file\n", 0644), "MS_TEST_SECRET").value) << "no fallback past a refused file";
}

TEST_F(secret_file_test, a_server_key_is_made_once_owner_only_and_read_back) {
  auto path = (dir_ / "url-signing.key").string();
  auto first = load_or_create_key(path);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(load_or_create_key(path), first);
  EXPECT_NE(first, (std::array<unsigned char, 32>{}));
  write("not hex\n", 0600);
  EXPECT_THROW(load_or_create_key((dir_ / "token").string()), std::runtime_error);
  write("00ff\n", 0644);
  EXPECT_THROW(load_or_create_key((dir_ / "token").string()), std::runtime_error) << "others may read it";
}
