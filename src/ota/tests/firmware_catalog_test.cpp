#include "ota/firmware_catalog.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <filesystem>
#include <fstream>

#include "blob/filesystem_store.hpp"
#include "common/encoding.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace mothership::ota {
namespace {

namespace fs = std::filesystem;

// A P-256 key pair made for the test: the public half in a PEM file, the private half signs.
struct release_key {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey{EVP_EC_gen("P-256"), EVP_PKEY_free};

  void write_public(const fs::path& file) const {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(file.c_str(), "w"), BIO_free);
    PEM_write_bio_PUBKEY(bio.get(), pkey.get());
  }
  // What `openssl dgst -sha256 -sign key.pem fw.bin | base64` gives.
  std::string sign(std::string_view image) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey.get());
    std::size_t len = 0;
    EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(image.data()), image.size());
    std::string sig(len, '\0');
    EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(image.data()), image.size());
    sig.resize(len);
    return base64(sig);
  }
  static std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
  }
};

class firmware_catalog_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ms_ota_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = std::make_unique<storage::sqlite_database>((dir_ / "db").string(), 2);
    audit_ = std::make_unique<audit::audit_log>(*db_);
    links_ = std::make_unique<blob::download_links>(std::array<unsigned char, 32>{});
    // Each put a millisecond after the one before: "newest first" is then well defined.
    blobs_ = std::make_unique<blob::filesystem_store>(dir_ / "blobs", *links_, [this] { return ++clock_ms_; });
    key_.write_public(dir_ / "release.pub");
    keys_ = signing_keys::load({(dir_ / "release.pub").string()});
    make_catalog({});
  }
  void TearDown() override { fs::remove_all(dir_); }

  void make_catalog(catalog_policy policy) {
    catalog_ = std::make_unique<firmware_catalog>(*db_, *audit_, *blobs_, keys_, policy);
  }
  static upload_request request(std::string version, std::vector<std::string> models = {"Thermo 3"}) {
    upload_request r;
    r.version = std::move(version);
    r.models = std::move(models);
    r.filename = "thermo.bin";
    return r;
  }
  result<firmware> upload(const upload_request& r, const std::string& image) {
    common::string_source source(image);
    return catalog_->upload(r, source, author_);
  }
  std::size_t blob_files() {
    std::size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir_ / "blobs"))
      if (e.is_regular_file() && e.path().extension() != ".json" && e.path().parent_path().filename() != "tmp") ++n;
    return n;
  }
  std::vector<audit::entry> audited(const std::string& action) { return audit_->find({.action = action}).items; }

  fs::path dir_;
  std::unique_ptr<storage::sqlite_database> db_;
  std::unique_ptr<audit::audit_log> audit_;
  std::unique_ptr<blob::download_links> links_;
  std::unique_ptr<blob::filesystem_store> blobs_;
  release_key key_;
  signing_keys keys_;
  std::unique_ptr<firmware_catalog> catalog_;
  common::millis clock_ms_ = 1'780'000'000'000;
  change_author author_{{"user", "usr_admin"}, "127.0.0.1"};
};

TEST_F(firmware_catalog_test, an_upload_keeps_the_image_with_its_size_and_sha256_and_is_audited) {
  std::string image(300000, 'x');
  auto r = request("1.4.2", {"Thermo 3", "Thermo 2"});
  r.description = "Fixes the drift";
  auto f = upload(r, image);
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_TRUE(f->id.starts_with("fw_"));
  EXPECT_EQ(f->size, image.size());
  EXPECT_EQ(f->sha256, common::sha256_hex(image));
  EXPECT_EQ(f->models, (std::vector<std::string>{"Thermo 2", "Thermo 3"}));
  auto found = catalog_->find(f->id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->description, "Fixes the drift");
  EXPECT_EQ(found->models, f->models);
  auto stored = blobs_->stat(f->blob_id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->sha256, f->sha256);
  auto entries = audited("firmware.upload");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].what.target_id, f->id);
  EXPECT_EQ(entries[0].what.details.at("sha256").as_string(), f->sha256);
}

TEST_F(firmware_catalog_test, a_version_a_model_already_has_is_refused_before_and_after_the_image) {
  ASSERT_TRUE(upload(request("1.0.0", {"A", "B"}), "one"));
  EXPECT_EQ(catalog_->precheck(request("1.0.0", {"B"})).error(), errc::version_taken);
  EXPECT_EQ(upload(request("1.0.0", {"C", "B"}), "two").error(), errc::version_taken);
  EXPECT_TRUE(upload(request("1.0.0", {"C"}), "three"));  // another model may have it
  EXPECT_TRUE(upload(request("1.0.1", {"A"}), "four"));
  EXPECT_EQ(blob_files(), 3u);  // the refused image was not kept
  auto refused = audit_->find({.action = std::string("firmware.upload"), .result = audit::outcome::failure}).items;
  ASSERT_EQ(refused.size(), 1u);
}

TEST_F(firmware_catalog_test, bad_metadata_is_refused_with_its_own_code) {
  EXPECT_EQ(catalog_->precheck(request("v1.0")).error(), errc::invalid_version);
  EXPECT_EQ(catalog_->precheck(request("1.0.0", {})).error(), errc::invalid_models);
  EXPECT_EQ(catalog_->precheck(request("1.0.0", {"A", "A"})).error(), errc::invalid_models);
  EXPECT_EQ(catalog_->precheck(request("1.0.0", {std::string(65, 'm')})).error(), errc::invalid_models);
  auto long_notes = request("1.0.0");
  long_notes.description = std::string(2001, 'd');
  EXPECT_EQ(catalog_->precheck(long_notes).error(), errc::invalid_metadata);
  auto bad_signature = request("1.0.0");
  bad_signature.signature = "bm90IGEgc2lnbmF0dXJl";  // "not a signature"
  EXPECT_EQ(catalog_->precheck(bad_signature).error(), errc::signature_malformed);
}

TEST_F(firmware_catalog_test, a_signature_must_verify_against_a_configured_key) {
  std::string image = "signed image bytes";
  auto r = request("2.0.0");
  r.signature = key_.sign(image);
  auto f = upload(r, image);
  ASSERT_TRUE(f) << f.error().message();
  ASSERT_TRUE(f->signed_by);
  EXPECT_EQ(f->signed_by->size(), 64u);
  EXPECT_EQ(f->signature, r.signature);

  // The same signature over other bytes, and a signature by a key the server does not know.
  auto other = request("2.0.1");
  other.signature = key_.sign(image);
  EXPECT_EQ(upload(other, "tampered image bytes").error(), errc::signature_invalid);
  release_key stranger;
  auto foreign = request("2.0.2");
  foreign.signature = stranger.sign(image);
  EXPECT_EQ(upload(foreign, image).error(), errc::signature_invalid);
  EXPECT_EQ(blob_files(), 1u);
}

TEST_F(firmware_catalog_test, signing_policy_without_keys_or_without_a_signature) {
  signing_keys none;
  firmware_catalog keyless(*db_, *audit_, *blobs_, none, {});
  auto r = request("1.0.0");
  r.signature = key_.sign("x");
  EXPECT_EQ(keyless.precheck(r).error(), errc::no_signing_keys);
  make_catalog({.require_signature = true});
  EXPECT_EQ(catalog_->precheck(request("1.0.0")).error(), errc::signature_required);
}

TEST_F(firmware_catalog_test, a_model_the_fleet_does_not_know_is_refused) {
  catalog_->set_known_models([](storage::connection&, const std::vector<std::string>& models) {
    std::vector<std::string> known;
    for (const auto& m : models)
      if (m.starts_with("Thermo")) known.push_back(m);
    return known;
  });
  EXPECT_EQ(catalog_->precheck(request("1.0.0", {"Thermo 3", "Toaster"})).error(), errc::unknown_model);
  EXPECT_TRUE(catalog_->precheck(request("1.0.0", {"Thermo 3", "Thermo 2"})));
}

TEST_F(firmware_catalog_test, an_image_over_the_limit_leaves_nothing) {
  make_catalog({.max_image_bytes = 1000});
  EXPECT_EQ(upload(request("1.0.0"), std::string(1001, 'x')).error(), blob::errc::too_large);
  EXPECT_TRUE(upload(request("1.0.0"), std::string(1000, 'x')));
  EXPECT_EQ(blob_files(), 1u);
}

TEST_F(firmware_catalog_test, lists_newest_first_by_model_with_a_cursor) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(upload(request("1.0." + std::to_string(i), {i % 2 ? "A" : "B"}), "img"));
  auto all = catalog_->list({.limit = 10});
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all.front().version, "1.0.4");
  auto a = catalog_->list({.model = std::string("A"), .limit = 10});
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].version, "1.0.3");
  auto first = catalog_->list({.limit = 2});
  auto second = catalog_->list({.before = std::pair{first.back().created_at, first.back().id}, .limit = 10});
  ASSERT_EQ(second.size(), 3u);
  EXPECT_EQ(second.front().version, "1.0.2");
}

TEST_F(firmware_catalog_test, delete_removes_row_and_image_unless_in_use) {
  auto f = upload(request("1.0.0"), "img");
  ASSERT_TRUE(f);
  bool in_use = true;
  catalog_->set_in_use_check([&](storage::connection&, const std::string&) { return in_use; });
  EXPECT_EQ(catalog_->remove(f->id, author_).error(), errc::firmware_in_use);
  EXPECT_TRUE(catalog_->find(f->id));
  in_use = false;
  ASSERT_TRUE(catalog_->remove(f->id, author_));
  EXPECT_EQ(catalog_->find(f->id).error(), errc::firmware_not_found);
  EXPECT_EQ(blobs_->stat(f->blob_id).error(), blob::errc::not_found);
  EXPECT_EQ(catalog_->remove(f->id, author_).error(), errc::firmware_not_found);
  EXPECT_TRUE(upload(request("1.0.0"), "again"));  // the version is free again
  EXPECT_EQ(audited("firmware.delete").size(), 1u);
}

TEST_F(firmware_catalog_test, notes_can_be_edited_and_the_edit_is_audited) {
  auto f = upload(request("1.0.0"), "img");
  ASSERT_TRUE(f);
  auto edited = catalog_->update_notes(f->id, std::nullopt, std::string("## 1.0.0\n- first"), author_);
  ASSERT_TRUE(edited);
  EXPECT_EQ(edited->release_notes, "## 1.0.0\n- first");
  EXPECT_EQ(catalog_->find(f->id)->release_notes, "## 1.0.0\n- first");
  EXPECT_EQ(audited("firmware.update").size(), 1u);
  EXPECT_EQ(catalog_->update_notes("fw_nope", std::string("x"), std::nullopt, author_).error(),
            errc::firmware_not_found);
}

}  // namespace
}  // namespace mothership::ota
