// The pieces of a firmware update that must survive a crash or a reboot: the A/B boot state,
// the outbox of reports, and the checks that run outside the network flow (signature, commands).

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "boot_slots.hpp"
#include "image_signature.hpp"
#include "report_outbox.hpp"
#include "shell_command.hpp"

namespace mothership::agent {
namespace {

namespace fs = std::filesystem;

class UpdateState : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/agent-update-XXXXXX";
    dir_ = mkdtemp(pattern);
    store_.emplace(dir_);
    store_->open();
  }
  void TearDown() override { fs::remove_all(dir_); }

  boot_trial trial_of(const std::string& version) { return {"b", "job-1", "token-1", version, "ab12", 0}; }

  std::string dir_;
  std::optional<state_store> store_;
};

TEST_F(UpdateState, TheFirstBootRunsTheFactoryImageInSlotA) {
  boot_slots slots(*store_, "1.0.0");
  EXPECT_EQ(slots.boot(3), boot_outcome::normal);
  EXPECT_EQ(slots.running_slot(), "a");
  EXPECT_EQ(slots.running_version(), "1.0.0");
  EXPECT_EQ(slots.inactive_slot(), "b");
  EXPECT_TRUE(fs::exists(dir_ + "/boot.json"));
}

TEST_F(UpdateState, ATrialBootsTheNewSlotUntilCommitted) {
  {
    boot_slots slots(*store_, "1.0.0");
    slots.boot(3);
    slots.start_trial(trial_of("1.1.0"));
  }
  boot_slots after_reboot(*store_, "1.0.0");
  EXPECT_EQ(after_reboot.boot(3), boot_outcome::trial);
  EXPECT_EQ(after_reboot.running_slot(), "b");
  EXPECT_EQ(after_reboot.running_version(), "1.1.0");
  EXPECT_EQ(after_reboot.trial()->tries, 1);
  after_reboot.commit();

  boot_slots next(*store_, "1.0.0");
  EXPECT_EQ(next.boot(3), boot_outcome::normal);
  EXPECT_EQ(next.running_slot(), "b");
  EXPECT_EQ(next.running_version(), "1.1.0");
  EXPECT_EQ(next.inactive_slot(), "a");  // the next update goes to a
}

TEST_F(UpdateState, EveryBootOfATrialCountsAndTheOldSlotWinsAfterTheLastTry) {
  {
    boot_slots slots(*store_, "1.0.0");
    slots.boot(2);
    slots.start_trial(trial_of("1.1.0"));
  }
  for (int boot = 1; boot <= 2; ++boot) {  // each of these "crashes" before the health check passes
    boot_slots slots(*store_, "1.0.0");
    ASSERT_EQ(slots.boot(2), boot_outcome::trial);
    EXPECT_EQ(slots.trial()->tries, boot);
  }
  boot_slots slots(*store_, "1.0.0");
  ASSERT_EQ(slots.boot(2), boot_outcome::fell_back);
  EXPECT_EQ(slots.running_slot(), "a");
  EXPECT_EQ(slots.running_version(), "1.0.0");
  EXPECT_EQ(slots.abandoned_trial()->job_id, "job-1");
  // Nothing is saved until the caller recorded its report: a crash now falls back again.
  boot_slots crashed(*store_, "1.0.0");
  EXPECT_EQ(crashed.boot(2), boot_outcome::fell_back);
  crashed.save();
  boot_slots settled(*store_, "1.0.0");
  EXPECT_EQ(settled.boot(2), boot_outcome::normal);
  EXPECT_EQ(settled.running_slot(), "a");
}

TEST_F(UpdateState, AnAbandonedTrialBootsTheOldSlotNextTime) {
  {
    boot_slots slots(*store_, "1.0.0");
    slots.boot(3);
    slots.start_trial(trial_of("1.1.0"));
  }
  {
    boot_slots slots(*store_, "1.0.0");
    ASSERT_EQ(slots.boot(3), boot_outcome::trial);
    slots.abandon();  // the health check failed
  }
  boot_slots slots(*store_, "1.0.0");
  EXPECT_EQ(slots.boot(3), boot_outcome::normal);
  EXPECT_EQ(slots.running_slot(), "a");
  EXPECT_EQ(slots.running_version(), "1.0.0");
}

TEST_F(UpdateState, ADamagedBootStateIsAnErrorNotAGuess) {
  std::ofstream(dir_ + "/boot.json") << "{not json";
  boot_slots slots(*store_, "1.0.0");
  EXPECT_THROW(slots.boot(3), std::runtime_error);
}

TEST_F(UpdateState, ReportsStayOnDiskUntilAcknowledged) {
  {
    report_outbox outbox(*store_);
    outbox.add({"job-1", "IN_PROGRESS", {{"step", "download"}}, "t1"});
    outbox.add({"job-1", "SUCCEEDED", {{"step", "confirm"}}, "t2"});  // replaces the older one of job-1
    outbox.add({"job-2", "FAILED", {{"reason", "no space"}}, "t3"});
  }
  report_outbox reloaded(*store_);
  ASSERT_EQ(reloaded.pending().size(), 2u);
  EXPECT_EQ(reloaded.pending()[0].status, "SUCCEEDED");
  EXPECT_EQ(reloaded.pending()[0].details.at("step"), "confirm");
  EXPECT_EQ(reloaded.pending()[1].details.at("reason"), "no space");
  EXPECT_TRUE(reloaded.holds_job("job-1"));
  EXPECT_FALSE(reloaded.acknowledge("t1"));  // the replaced report's answer changes nothing
  EXPECT_TRUE(reloaded.acknowledge("t2"));
  EXPECT_FALSE(reloaded.holds_job("job-1"));
  report_outbox again(*store_);
  ASSERT_EQ(again.pending().size(), 1u);
  EXPECT_EQ(again.pending()[0].job_id, "job-2");
}

TEST(ShellCommand, PassesTheEnvironmentAndTheExitCode) {
  auto r = run_shell_command("echo \"$MOTHERSHIP_SLOT\"; exit 3", {{"MOTHERSHIP_SLOT", "b; rm -rf /"}},
                             std::chrono::seconds(10));
  EXPECT_TRUE(r.ran);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.output, "b; rm -rf /\n");  // a value, never a command
  EXPECT_EQ(describe(r), "exit 3: b; rm -rf /");
}

TEST(ShellCommand, ACommandPastItsTimeIsKilled) {
  auto started = std::chrono::steady_clock::now();
  auto r = run_shell_command("sleep 30", {}, std::chrono::seconds(1));
  EXPECT_FALSE(r.ran);
  EXPECT_EQ(r.error, "ran longer than 1 s");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

class ImageSignature : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/agent-release-XXXXXX";
    dir_ = mkdtemp(pattern);
    key_.reset(EVP_EC_gen("P-256"));
    std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen((dir_ + "/release.pub").c_str(), "w"), std::fclose);
    PEM_write_PUBKEY(f.get(), key_.get());
  }
  void TearDown() override { fs::remove_all(dir_); }

  // What `openssl dgst -sha256 -sign release.key image | base64` makes: a signature over the digest.
  std::string sign(const std::string& digest) {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(key_.get(), nullptr),
                                                                    EVP_PKEY_CTX_free);
    EVP_PKEY_sign_init(ctx.get());
    EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256());
    std::size_t length = 0;
    EVP_PKEY_sign(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
    std::string der(length, '\0');
    EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &length,
                  reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
    der.resize(length);
    std::string b64(4 * ((der.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                            reinterpret_cast<const unsigned char*>(der.data()), static_cast<int>(der.size()));
    b64.resize(static_cast<std::size_t>(n));
    return b64;
  }

  std::string dir_;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_{nullptr, EVP_PKEY_free};
};

TEST_F(ImageSignature, VerifiesOverTheDigestAndRefusesAnythingElse) {
  const std::string hex(64, 'a'), other(64, 'b');
  std::string digest(32, static_cast<char>(0xaa));
  auto signature = sign(digest);
  auto pub = dir_ + "/release.pub";
  EXPECT_EQ(check_image_signature(pub, hex, signature), std::nullopt);
  EXPECT_EQ(check_image_signature(pub, other, signature), "the signature does not verify under the release key");
  EXPECT_EQ(check_image_signature(pub, hex, "bm90IGEgc2lnbmF0dXJl"),
            "the signature does not verify under the release key");
  EXPECT_EQ(check_image_signature(pub, hex, "%%%"), "the signature is not base64");
  EXPECT_EQ(check_image_signature(dir_ + "/missing.pub", hex, signature),
            "cannot read the release key " + dir_ + "/missing.pub");
}

}  // namespace
}  // namespace mothership::agent
