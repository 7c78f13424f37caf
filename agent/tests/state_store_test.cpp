#include "state_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace mothership::agent {
namespace {

namespace fs = std::filesystem;

class StateStore : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/agent-state-XXXXXX";
    root_ = mkdtemp(pattern);
    dir_ = root_ + "/state";
  }
  void TearDown() override { fs::remove_all(root_); }
  static unsigned mode_of(const std::string& path) {
    struct stat st {};
    stat(path.c_str(), &st);
    return st.st_mode & 0777;
  }
  static void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

  std::string root_;
  std::string dir_;
};

TEST_F(StateStore, TheKeyIsMadeOnceWithMode0600) {
  state_store store(dir_);
  store.open();
  EXPECT_EQ(mode_of(dir_), 0700u);
  bool created = false;
  auto key = store.onboarding_key(&created);
  EXPECT_TRUE(created);
  EXPECT_EQ(mode_of(store.key_path()), 0600u);
  auto again = store.onboarding_key(&created);
  EXPECT_FALSE(created);
  EXPECT_EQ(private_key_pem(*key), private_key_pem(*again));
  EXPECT_FALSE(store.load_identity());
}

TEST_F(StateStore, OnboardingIsRememberedWithItsCertificate) {
  state_store store(dir_);
  store.open();
  store.save_onboarding({"dev_1", "localhost:8883"}, "CERT\n", "CHAIN\n", "CA\n");
  auto id = store.load_identity();
  ASSERT_TRUE(id);
  EXPECT_EQ(id->device_id, "dev_1");
  EXPECT_EQ(id->mqtt_endpoint, "localhost:8883");
  EXPECT_EQ(*read_file(store.certificate_path()), "CERT\nCHAIN\n");
  EXPECT_EQ(*read_file(store.ca_path()), "CA\n");
  for (auto& entry : fs::directory_iterator(dir_)) EXPECT_NE(entry.path().extension(), ".tmp");
}

TEST_F(StateStore, AnInterruptedRenewalIsFinishedOnlyWhenComplete) {
  state_store store(dir_);
  store.open();
  write(dir_ + "/device.key", "OLD KEY");
  write(dir_ + "/device.crt", "OLD CERT");
  // Both new files were written, the key already renamed: the new certificate goes with it.
  write(dir_ + "/device.key", "NEW KEY");
  write(dir_ + "/renewed.crt", "NEW CERT");
  store.open();
  EXPECT_EQ(*read_file(store.certificate_path()), "NEW CERT");
  EXPECT_FALSE(fs::exists(dir_ + "/renewed.crt"));
  // Only the new key was written: the old pair stays.
  write(dir_ + "/renewed.key", "NEWER KEY");
  store.open();
  EXPECT_EQ(*read_file(store.key_path()), "NEW KEY");
  EXPECT_FALSE(fs::exists(dir_ + "/renewed.key"));
}

TEST_F(StateStore, RenewalReplacesKeyAndCertificate) {
  state_store store(dir_);
  store.open();
  auto key = generate_key();
  store.save_renewal(*key, "CERT", "CHAIN");
  EXPECT_EQ(*read_file(store.certificate_path()), "CERT\nCHAIN");
  EXPECT_EQ(mode_of(store.key_path()), 0600u);
  EXPECT_EQ(private_key_pem(*store.current_key()), private_key_pem(*key));
}

}  // namespace
}  // namespace mothership::agent
