#include "blob/filesystem_store.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <fstream>
#include <random>

#include "common/encoding.hpp"
#include "common/worker_pool.hpp"

using namespace mothership;
using namespace mothership::blob;
namespace fs = std::filesystem;

namespace {

struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("blob-test-" + common::random_token(6));
  ~temp_dir() { fs::remove_all(path); }
};

std::string read_all(blob_reader& r) {
  std::string out;
  char buf[7];  // odd size: reads end mid-blob
  while (std::size_t n = r.read(buf, sizeof buf)) out.append(buf, n);
  return out;
}

// Gives `text`, then fails as a client that goes away does.
struct breaking_source : common::byte_source {
  std::string_view text;
  std::size_t read(char* data, std::size_t size) override {
    if (text.empty()) throw common::source_failed("client gone");
    std::size_t n = std::min(size, text.size());
    text.copy(data, n);
    text.remove_prefix(n);
    return n;
  }
};

std::size_t files_in(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) ++n;
  return n;
}

class filesystem_store_test : public ::testing::Test {
 protected:
  temp_dir dir;
  download_links links{std::array<unsigned char, 32>{}};
  common::millis clock = 1'700'000'000'000;
  filesystem_store store{dir.path, links, [this] { return clock; }};
};

}  // namespace

TEST_F(filesystem_store_test, put_computes_size_and_sha256_and_stat_and_open_give_them_back) {
  std::string content(3 * 1024 * 1024 + 17, '\0');
  std::mt19937 gen(7);
  for (auto& c : content) c = static_cast<char>(gen());
  common::string_source source(content);
  auto put = store.put(source, 1ull << 30);
  ASSERT_TRUE(put) << put.error().message();
  EXPECT_TRUE(valid_blob_id(put->id));
  EXPECT_EQ(put->size, content.size());
  EXPECT_EQ(put->sha256, common::sha256_hex(content));
  EXPECT_EQ(put->created_at, clock);

  auto info = store.stat(put->id);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->size, put->size);
  EXPECT_EQ(info->sha256, put->sha256);

  auto whole = store.open(put->id, 0, store::to_end);
  ASSERT_TRUE(whole);
  EXPECT_EQ((*whole)->length(), content.size());
  EXPECT_EQ(read_all(**whole), content);

  auto range = store.open(put->id, 1000, 50);
  ASSERT_TRUE(range);
  EXPECT_EQ(read_all(**range), content.substr(1000, 50));
  ASSERT_TRUE((*range)->file());
  EXPECT_EQ((*range)->file()->offset, 1000u);
  EXPECT_EQ((*range)->file()->length, 50u);

  auto tail = store.open(put->id, content.size() - 5, 100);  // cut at the end
  ASSERT_TRUE(tail);
  EXPECT_EQ(read_all(**tail), content.substr(content.size() - 5));
  EXPECT_EQ(store.open(put->id, content.size(), 1).error(), errc::range_not_satisfiable);
}

TEST_F(filesystem_store_test, out_of_file_descriptors_is_an_overload_not_a_missing_file) {
  common::string_source source("firmware");
  auto put = store.put(source, 100);
  ASSERT_TRUE(put);
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  // UndefinedBehaviorSanitizer checks a call through a vtable with a pipe the first time it meets
  // the type; with no descriptor left it could not, so the store's warning (the same logger,
  // the same argument types) is met here first.
  spdlog::warn("(before the test lowers the open-file limit: {} {})", std::string("a warning of"),
               std::uint64_t{1});
  EXPECT_THROW(throw common::overloaded_error("and the exception it throws"), common::overloaded_error);
  rlimit none_left = saved;
  none_left.rlim_cur = 3;  // stdin, stdout and stderr are taken: no new descriptor fits
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &none_left), 0);
  EXPECT_THROW(store.stat(put->id), common::overloaded_error);  // a 503 with Retry-After, not a 404
  EXPECT_THROW(store.open(put->id, 0, 8), common::overloaded_error);
  ::setrlimit(RLIMIT_NOFILE, &saved);
  EXPECT_TRUE(store.stat(put->id));
  EXPECT_EQ(store.stat("blob_00000000000000000000000000").error(), errc::not_found);
}

TEST_F(filesystem_store_test, blob_files_are_owner_only) {
  common::string_source source("secret firmware");
  auto put = store.put(source, 100);
  ASSERT_TRUE(put);
  for (const auto& e : fs::recursive_directory_iterator(dir.path)) {
    struct stat st {};
    ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 077, 0u) << e.path();
  }
}

TEST_F(filesystem_store_test, a_source_over_the_limit_or_broken_off_leaves_nothing) {
  std::string big(5000, 'x');
  common::string_source too_big(big);
  EXPECT_EQ(store.put(too_big, 4999).error(), errc::too_large);
  breaking_source broken;
  broken.text = "half an image";
  EXPECT_EQ(store.put(broken, 1000).error(), errc::source_failed);
  EXPECT_EQ(files_in(dir.path), 0u);
}

TEST_F(filesystem_store_test, what_a_crash_left_is_swept_at_start_and_finished_blobs_stay) {
  common::string_source source("kept");
  auto put = store.put(source, 100);
  ASSERT_TRUE(put);
  // A put cut off mid-write, and one cut off between its two renames.
  { std::ofstream(dir.path / "tmp" / "0123.part") << "half"; }
  auto orphan_dir = dir.path / "ZZ";
  fs::create_directories(orphan_dir);
  { std::ofstream(orphan_dir / "blb_01JAAAAAAAAAAAAAAAAAAAAAZZ.json") << "{}"; }
  filesystem_store again(dir.path, links);
  EXPECT_FALSE(fs::exists(dir.path / "tmp" / "0123.part"));
  EXPECT_FALSE(fs::exists(orphan_dir / "blb_01JAAAAAAAAAAAAAAAAAAAAAZZ.json"));
  auto info = again.stat(put->id);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->size, 4u);
}

TEST_F(filesystem_store_test, ids_that_are_not_ours_never_reach_the_file_system) {
  for (std::string_view bad :
       std::initializer_list<std::string_view>{"", "../../etc/passwd", "blb_../../../../etc/passwd",
                                               "blb_01jaaaaaaaaaaaaaaaaaaaaaaa", "blb_01JAAAAAAAAAAAAAAAAAAAAAA/"}) {
    EXPECT_EQ(store.stat(bad).error(), errc::not_found) << bad;
    EXPECT_EQ(store.open(bad, 0, store::to_end).error(), errc::not_found) << bad;
  }
  EXPECT_EQ(store.stat("blb_01JAAAAAAAAAAAAAAAAAAAAAAA").error(), errc::not_found);
}

TEST_F(filesystem_store_test, remove_deletes_and_is_idempotent) {
  common::string_source source("gone soon");
  auto put = store.put(source, 100);
  ASSERT_TRUE(put);
  store.remove(put->id);
  store.remove(put->id);
  EXPECT_EQ(store.stat(put->id).error(), errc::not_found);
  EXPECT_EQ(files_in(dir.path), 0u);
}

TEST_F(filesystem_store_test, download_urls_carry_a_link_for_the_audience_that_expires_after_the_ttl) {
  store.set_public_url("https://fleet.example:8443");
  auto url = store.download_url("blb_01JAAAAAAAAAAAAAAAAAAAAAAA", {"dev_7", std::chrono::seconds(3600)});
  const std::string prefix = "https://fleet.example:8443/dl/";
  ASSERT_EQ(url.substr(0, prefix.size()), prefix);
  auto link = links.verify(url.substr(prefix.size()), clock / 1000);
  ASSERT_TRUE(link);
  EXPECT_EQ(link->audience, "dev_7");
  EXPECT_EQ(link->expires_s, clock / 1000 + 3600);
}
