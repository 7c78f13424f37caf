#include "server/data_dir.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

using mothership::server::data_dir;
namespace fs = std::filesystem;

namespace {

fs::perms mode_of(const fs::path& p) {
  return fs::status(p).permissions() & fs::perms::mask;
}
constexpr auto owner_all = fs::perms::owner_all;
constexpr auto owner_rw = fs::perms::owner_read | fs::perms::owner_write;

class data_dir_test : public ::testing::Test {
 protected:
  void SetUp() override {
    old_umask_ = ::umask(022);  // the loose default of most systems
    base_ = fs::temp_directory_path() / ("ms_data_dir_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_);
  }
  void TearDown() override {
    ::umask(old_umask_);
    fs::remove_all(base_);
  }
  void touch(const fs::path& p, mode_t mode) {
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT, mode);
    ASSERT_GE(fd, 0);
    ::close(fd);
    ::chmod(p.c_str(), mode);
  }
  fs::path base_;
  mode_t old_umask_ = 0;
};

}  // namespace

TEST_F(data_dir_test, a_new_data_dir_and_its_subdirectories_are_owner_only_under_a_loose_umask) {
  data_dir dir{base_ / "new" / "var"};
  EXPECT_TRUE(dir.prepare().empty());
  EXPECT_EQ(mode_of(dir.root), owner_all);
  EXPECT_EQ(mode_of(dir.root / "keys"), owner_all);
  EXPECT_EQ(mode_of(dir.root / "pki"), owner_all);
  data_dir slash{base_ / "other" / "var/"};
  EXPECT_TRUE(slash.prepare().empty()) << "a trailing slash names the same directory";
  EXPECT_EQ(mode_of(base_ / "other" / "var"), owner_all);
}

TEST_F(data_dir_test, looser_modes_left_by_an_earlier_start_are_tightened_and_reported) {
  data_dir dir{base_ / "var"};
  fs::create_directories(dir.root / "pki");
  fs::create_directories(dir.root / "keys");  // 0755 under the umask
  fs::permissions(dir.root, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(dir.root / "pki", fs::perms::owner_all | fs::perms::others_read | fs::perms::others_exec);
  touch(dir.database(), 0644);
  touch(dir.database() + "-wal", 0644);
  touch(dir.database() + "-shm", 0640);
  touch(dir.root / "keys" / "root-ca.key", 0600);

  auto tightened = dir.prepare();
  std::vector<fs::path> expected{dir.root,       dir.root / "keys",       dir.root / "pki",
                                 dir.database(), dir.database() + "-wal", dir.database() + "-shm"};
  EXPECT_EQ(tightened, expected);
  EXPECT_EQ(mode_of(dir.root), owner_all);
  EXPECT_EQ(mode_of(dir.root / "pki"), owner_all);
  for (const auto* suffix : {"", "-wal", "-shm"}) EXPECT_EQ(mode_of(dir.database() + suffix), owner_rw) << suffix;
  EXPECT_TRUE(dir.prepare().empty()) << "a second start has nothing to tighten";
}

TEST_F(data_dir_test, tightening_never_adds_a_permission) {
  data_dir dir{base_ / "var"};
  dir.prepare();
  touch(dir.database(), 0444);
  EXPECT_EQ(dir.prepare(), std::vector<fs::path>{dir.database()});
  EXPECT_EQ(mode_of(dir.database()), fs::perms::owner_read);
}

TEST_F(data_dir_test, a_data_dir_of_another_user_is_refused_and_left_alone) {
  if (::geteuid() != 0) GTEST_SKIP() << "giving a directory to another user needs root";
  data_dir dir{base_ / "var"};
  fs::create_directories(dir.root);
  fs::permissions(dir.root, fs::perms::owner_all | fs::perms::others_read | fs::perms::others_exec);
  ASSERT_EQ(::chown(dir.root.c_str(), 65534, 65534), 0);
  try {
    dir.prepare();
    FAIL() << "prepare() accepted another user's directory";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("is owned by uid 65534"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir.root / "keys"));
  EXPECT_EQ(mode_of(dir.root), fs::perms::owner_all | fs::perms::others_read | fs::perms::others_exec);
}

TEST_F(data_dir_test, a_subdirectory_of_another_user_is_refused_too) {
  if (::geteuid() != 0) GTEST_SKIP() << "giving a directory to another user needs root";
  data_dir dir{base_ / "var"};
  fs::create_directories(dir.root / "pki");
  ASSERT_EQ(::chown((dir.root / "pki").c_str(), 65534, 65534), 0);
  EXPECT_THROW(dir.prepare(), std::runtime_error);
}

TEST_F(data_dir_test, a_data_dir_that_is_a_link_is_tightened_at_its_target) {
  fs::create_directories(base_ / "real");
  fs::permissions(base_ / "real", fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                      fs::perms::others_read | fs::perms::others_exec);
  fs::create_directory_symlink(base_ / "real", base_ / "var");
  data_dir dir{base_ / "var"};
  auto tightened = dir.prepare();
  EXPECT_EQ(mode_of(base_ / "real"), owner_all);
  EXPECT_FALSE(tightened.empty());
}
