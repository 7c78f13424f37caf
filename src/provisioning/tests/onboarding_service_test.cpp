#include "provisioning/onboarding_service.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>

#include "pki/certificate_identity.hpp"
#include "pki/openssl_handles.hpp"
#include "provisioning/device_service.hpp"
#include "registry/device_store.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace mothership::provisioning {
namespace {

namespace json = boost::json;

std::string csr_for(EVP_PKEY* key) {
  std::unique_ptr<X509_REQ, decltype(&X509_REQ_free)> req(X509_REQ_new(), X509_REQ_free);
  X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req.get()), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("anything"), -1, -1, 0);
  X509_REQ_set_pubkey(req.get(), key);
  X509_REQ_sign(req.get(), key, EVP_sha256());
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509_REQ(bio.get(), req.get());
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string hello_with(const std::string& csr) {
  return json::serialize(json::object{{"model", "Thermo"}, {"firmware_version", "1.0.0"}, {"csr", csr}});
}

// The refusal's code, or no error for a claim that succeeded.
boost::system::error_code refusal(const claim_result& r) {
  return r ? boost::system::error_code{} : make_error_code(r.error().code);
}

struct sent {
  std::string topic, payload;
  bool retain;
};

class onboarding_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ms_onboarding_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<storage::sqlite_database>((dir_ / "db").string(), 2);
    audit_ = std::make_unique<audit::audit_log>(*db_);
    codes_ = std::make_unique<registry::claim_codes>(registry::claim_codes::load_or_create((dir_ / "claim").string()));
    ca_ = std::make_unique<pki::certificate_authority>(pki::certificate_authority::load_or_create(
        {(dir_ / "r.crt").string(), (dir_ / "r.key").string(), (dir_ / "i.crt").string(), (dir_ / "i.key").string()},
        "Test"));
    auto publish = [this](const std::string& t, const std::string& p, bool r) { sent_.push_back({t, p, r}); };
    onboarding_ = std::make_unique<onboarding_service>(*db_, *audit_, nullptr, *ca_, *codes_,
                                                       onboarding_settings{3, 30, "127.0.0.1:8883"}, publish);
    onboarding_->save_template("Thermo", "{\"site\":\"lab\"}", admin());
    devices_ = std::make_unique<device_service>(*db_, *audit_, nullptr, *ca_, revoked_, *onboarding_, 30, publish,
                                                [this](const std::string& id) { disconnected_.push_back(id); });
    devices_->start();
    registry::registry_service reg(*db_, *audit_, *codes_);
    ASSERT_TRUE(reg.import_csv("SN-1,Thermo,r1,CODE-0001\nSN-2,Thermo,r1,CODE-0002\n", "b", admin()).errors.empty());
    key_.reset(EVP_EC_gen("P-256"));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  registry::change_author admin() const { return {{"user", "usr_tech"}, "10.0.0.7"}; }
  std::optional<json::object> certificate_message(const std::string& serial) {
    for (auto it = sent_.rbegin(); it != sent_.rend(); ++it)
      if (it->topic == "$provision/" + serial + "/certificate" && it->retain && !it->payload.empty())
        return json::parse(it->payload).as_object();
    return std::nullopt;
  }
  std::string last_status(const std::string& serial) {
    for (auto it = sent_.rbegin(); it != sent_.rend(); ++it)
      if (it->topic == "$provision/" + serial + "/status")
        return std::string(json::parse(it->payload).as_object().at("status").as_string());
    return "";
  }
  std::vector<std::string> audit_actions() {
    std::vector<std::string> out;
    for (const auto& e : audit_->find({.limit = 500}).items)
      out.insert(out.begin(), e.what.action + (e.what.result == audit::outcome::success ? "" : "!"));
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::sqlite_database> db_;
  std::unique_ptr<audit::audit_log> audit_;
  std::unique_ptr<registry::claim_codes> codes_;
  std::unique_ptr<pki::certificate_authority> ca_;
  pki::revocation_set revoked_;
  std::unique_ptr<onboarding_service> onboarding_;
  std::unique_ptr<device_service> devices_;
  std::vector<sent> sent_;
  std::vector<std::string> disconnected_;
  pki::detail::owned_key key_;
};

TEST_F(onboarding_test, device_first_then_technician_issues_the_certificate_for_the_device_key) {
  ASSERT_TRUE(onboarding_->admit_device("SN-1", "CODE-0001", "10.0.0.9:5000"));
  onboarding_->on_hello("SN-1", hello_with(csr_for(key_.get())));
  EXPECT_EQ(last_status("SN-1"), "awaiting_approval");
  ASSERT_EQ(onboarding_->pending(10).size(), 1u);
  EXPECT_EQ(onboarding_->pending(10)[0].stage(), "awaiting_approval");

  auto result = onboarding_->claim("SN-1", "CODE-0001", admin());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, "completed");
  auto message = certificate_message("SN-1");
  ASSERT_TRUE(message);
  EXPECT_EQ(message->at("device_id").as_string(), result->device_id);
  EXPECT_EQ(message->at("mqtt_endpoint").as_string(), "127.0.0.1:8883");
  auto certs = pki::detail::certificates_in(std::string(message->at("certificate").as_string()));
  EXPECT_EQ(pki::device_id_of(certs.front().get()), result->device_id);
  EXPECT_EQ(X509_check_private_key(certs.front().get(), key_.get()), 1);
  EXPECT_EQ(last_status("SN-1"), "approved");

  auto device = devices_->find(result->device_id);
  ASSERT_TRUE(device);
  EXPECT_EQ(device->labels_json, "{\"site\":\"lab\"}");  // from the model's provisioning template
  EXPECT_EQ(*device->onboarded_by, "usr_tech");
  EXPECT_EQ(device->stage, registry::lifecycle::awaiting_certificate);

  devices_->on_connected(result->device_id, "10.0.0.9:5001");
  device = devices_->find(result->device_id);
  EXPECT_EQ(device->stage, registry::lifecycle::active);
  EXPECT_TRUE(device->online);
  EXPECT_TRUE(onboarding_->pending(10).empty());
  EXPECT_EQ(sent_.back().topic, "$provision/SN-1/certificate");  // the retained certificate is cleared
  EXPECT_TRUE(sent_.back().payload.empty());
  // After onboarding the claim code no longer opens a provisioning session.
  EXPECT_FALSE(onboarding_->admit_device("SN-1", "CODE-0001", "10.0.0.9:5002"));
  auto actions = audit_actions();
  for (const char* a : {"provisioning.connect", "provisioning.hello", "provisioning.claim", "certificate.issue",
                        "device.onboarded", "device.connected"})
    EXPECT_NE(std::find(actions.begin(), actions.end(), a), actions.end()) << a;
}

TEST_F(onboarding_test, technician_first_then_the_device_hello_completes_it) {
  auto result = onboarding_->claim("SN-2", "CODE-0002", admin());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, "awaiting_device");
  EXPECT_FALSE(certificate_message("SN-2"));
  EXPECT_EQ(onboarding_->pending(10)[0].stage(), "awaiting_device");
  // Registered but not yet connected with a certificate: the device may still come for it.
  ASSERT_TRUE(onboarding_->admit_device("SN-2", "CODE-0002", "10.0.0.9:5000"));
  onboarding_->on_hello("SN-2", hello_with(csr_for(key_.get())));
  ASSERT_TRUE(certificate_message("SN-2"));
  EXPECT_EQ(onboarding_->pending(10)[0].stage(), "awaiting_connection");
  // The same key again (a new CSR: ECDSA signatures differ) issues nothing new; a new key does.
  onboarding_->on_hello("SN-2", hello_with(csr_for(key_.get())));
  EXPECT_EQ(devices_->certificates(result->device_id).size(), 1u);
  pki::detail::owned_key replacement(EVP_EC_gen("P-256"));
  onboarding_->on_hello("SN-2", hello_with(csr_for(replacement.get())));
  EXPECT_EQ(devices_->certificates(result->device_id).size(), 2u);
}

TEST_F(onboarding_test, refusals_say_why_to_the_technician_and_the_same_thing_to_the_device) {
  EXPECT_EQ(refusal(onboarding_->claim("SN-404", "CODE-0001", admin())), errc::unknown_serial);
  auto wrong = onboarding_->claim("SN-1", "CODE-9999", admin());
  EXPECT_EQ(refusal(wrong), errc::wrong_code);
  EXPECT_EQ(wrong.error().attempts_left, 2);
  EXPECT_FALSE(onboarding_->admit_device("SN-404", "CODE-0001", "10.0.0.9:1"));
  EXPECT_FALSE(onboarding_->admit_device("SN-2", "CODE-9999", "10.0.0.9:1"));
  ASSERT_FALSE(refusal(onboarding_->claim("SN-2", "CODE-0002", admin())));
  EXPECT_EQ(refusal(onboarding_->claim("SN-2", "CODE-0002", admin())), errc::already_registered);
}

TEST_F(onboarding_test, a_serial_locks_after_too_many_wrong_codes_even_with_the_right_one_next) {
  registry::change_author other{{"user", "usr_x"}, "10.0.0.8"};
  EXPECT_EQ(refusal(onboarding_->claim("SN-1", "WRONG-1", admin())), errc::wrong_code);
  EXPECT_EQ(refusal(onboarding_->claim("SN-1", "WRONG-2", other)), errc::wrong_code);
  auto locking = onboarding_->claim("SN-1", "WRONG-3", admin());
  EXPECT_EQ(refusal(locking), errc::locked_out);
  ASSERT_TRUE(locking.error().locked_until);
  auto locked = onboarding_->claim("SN-1", "CODE-0001", other);
  EXPECT_EQ(refusal(locked), errc::locked_out);
  EXPECT_EQ(locked.error().locked_until, locking.error().locked_until);
  EXPECT_FALSE(onboarding_->admit_device("SN-1", "CODE-0001", "10.0.0.9:1"));
  registry::registry_service reg(*db_, *audit_, *codes_);
  EXPECT_TRUE(reg.unlock("SN-1", admin()));
  EXPECT_FALSE(refusal(onboarding_->claim("SN-1", "CODE-0001", other)));
  auto unlocks = audit_->find({.action = std::string("registry.unlock")}).items;
  ASSERT_EQ(unlocks.size(), 1u);
  EXPECT_EQ(unlocks[0].what.details.at("by").as_string(), "admin");
  EXPECT_TRUE(unlocks[0].what.details.at("was_locked").as_bool());
}

// A serial's lock ends by itself: whoever knows a serial can delay its onboarding, not stop it.
class lockout_test : public onboarding_test {
 protected:
  void SetUp() override {
    onboarding_test::SetUp();
    onboarding_settings settings{3, 30, "", 1000, 900, 3600};
    settings.clock = [this] { return now_; };
    timed_ = std::make_unique<onboarding_service>(*db_, *audit_, nullptr, *ca_, *codes_, settings,
                                                  [](const std::string&, const std::string&, bool) {});
  }
  // Three wrong codes: the lock they start.
  common::millis lock(const std::string& serial, const registry::change_author& by) {
    EXPECT_EQ(refusal(timed_->claim(serial, "WRONG", by)), errc::wrong_code);
    EXPECT_EQ(refusal(timed_->claim(serial, "WRONG", by)), errc::wrong_code);
    auto r = timed_->claim(serial, "WRONG", by);
    EXPECT_EQ(refusal(r), errc::locked_out);
    return r ? 0 : r.error().locked_until.value_or(0);
  }
  registry::manufacturing_record record(const std::string& serial) {
    return *registry::registry_service(*db_, *audit_, *codes_).find(serial);
  }

  common::millis now_ = 1'800'000'000'000;
  std::unique_ptr<onboarding_service> timed_;
};

TEST_F(lockout_test, the_lock_ends_after_its_time_and_the_right_code_then_works) {
  registry::change_author owner{{"user", "usr_owner"}, "10.0.0.50"};
  EXPECT_EQ(lock("SN-1", {{"user", "usr_attacker"}, "10.6.6.6"}), now_ + 900'000);
  now_ += 899'000;
  EXPECT_EQ(refusal(timed_->claim("SN-1", "CODE-0001", owner)), errc::locked_out);
  EXPECT_FALSE(timed_->admit_device("SN-1", "CODE-0001", "10.0.0.51:4000"));
  now_ += 1'000;
  EXPECT_TRUE(timed_->admit_device("SN-1", "CODE-0001", "10.0.0.51:4000"));
  EXPECT_FALSE(refusal(timed_->claim("SN-1", "CODE-0001", owner)));
  auto unlocks = audit_->find({.action = std::string("registry.unlock")}).items;
  ASSERT_EQ(unlocks.size(), 1u);
  EXPECT_EQ(unlocks[0].what.details.at("by").as_string(), "expiry");
}

TEST_F(lockout_test, each_further_lock_lasts_twice_as_long_up_to_the_cap) {
  registry::change_author attacker{{"user", "usr_attacker"}, "10.6.6.6"};
  const common::millis expected_s[] = {900, 1800, 3600, 3600};
  for (auto seconds : expected_s) {
    auto until = lock("SN-1", attacker);
    EXPECT_EQ(until, now_ + seconds * 1000);
    auto r = record("SN-1");
    EXPECT_TRUE(r.locked(now_));
    EXPECT_EQ(r.locked_until, until);
    now_ = until;  // the lock has run out
  }
  EXPECT_EQ(record("SN-1").lock_count, 4);
  auto locks = audit_->find({.action = std::string("registry.lock")}).items;
  ASSERT_EQ(locks.size(), 4u);
  EXPECT_EQ(locks[0].what.details.at("duration_s").as_int64(), 3600);  // newest first
  EXPECT_EQ(locks[0].what.details.at("lock_count").as_int64(), 4);
  EXPECT_EQ(locks[3].what.details.at("duration_s").as_int64(), 900);
  EXPECT_EQ(locks[3].what.source, "10.6.6.6");
}

TEST_F(lockout_test, wrong_codes_by_mqtt_lock_the_serial_for_the_time_lock_only) {
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(timed_->admit_device("SN-1", "WRONG", "10.6.6.6:1000"));
  auto r = record("SN-1");
  ASSERT_TRUE(r.locked(now_));
  EXPECT_EQ(r.locked_until, now_ + 900'000);
  registry::change_author owner{{"user", "usr_owner"}, "10.0.0.50"};
  auto refused = timed_->claim("SN-1", "CODE-0001", owner);
  EXPECT_EQ(refusal(refused), errc::locked_out);
  now_ += 900'000;
  EXPECT_FALSE(refusal(timed_->claim("SN-1", "CODE-0001", owner)));
}

TEST_F(lockout_test, an_admin_unlock_lifts_the_lock_and_the_next_lock_is_the_shortest_again) {
  registry::change_author attacker{{"user", "usr_attacker"}, "10.6.6.6"};
  lock("SN-1", attacker);
  now_ += 900'000;
  EXPECT_EQ(lock("SN-1", attacker), now_ + 1'800'000);
  registry::registry_service reg(*db_, *audit_, *codes_);
  EXPECT_TRUE(reg.unlock("SN-1", admin()));
  auto r = record("SN-1");
  EXPECT_FALSE(r.locked_until);
  EXPECT_EQ(r.lock_count, 0);
  EXPECT_EQ(r.claim_failures, 0);
  EXPECT_EQ(lock("SN-1", attacker), now_ + 900'000);
}

TEST_F(lockout_test, a_locked_serial_counts_no_further_failures) {
  registry::change_author attacker{{"user", "usr_attacker"}, "10.6.6.6"};
  auto until = lock("SN-1", attacker);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(refusal(timed_->claim("SN-1", "WRONG", attacker)), errc::locked_out);
  EXPECT_EQ(record("SN-1").locked_until, until);  // not extended
  EXPECT_EQ(record("SN-1").lock_count, 1);
}

TEST(lock_duration, doubles_from_the_base_up_to_the_cap) {
  EXPECT_EQ(registry::lock_duration_ms(1, 900, 86400), 900'000);
  EXPECT_EQ(registry::lock_duration_ms(2, 900, 86400), 1'800'000);
  EXPECT_EQ(registry::lock_duration_ms(7, 900, 86400), 57'600'000);  // 900 s * 2^6
  EXPECT_EQ(registry::lock_duration_ms(8, 900, 86400), 86'400'000);  // 115200 s, capped
  EXPECT_EQ(registry::lock_duration_ms(1'000'000, 900, 86400), 86'400'000);
}

TEST_F(onboarding_test, one_address_guessing_across_serials_is_slowed_down) {
  onboarding_service strict(*db_, *audit_, nullptr, *ca_, *codes_, onboarding_settings{100, 30, "", 4},
                            [](const std::string&, const std::string&, bool) {});
  registry::change_author guesser{{"user", "usr_x"}, "10.9.9.9"};
  // Four free failures, then each one starts a delay: wrong codes and unknown serials alike.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(refusal(strict.claim("SN-" + std::to_string(i), "CODE-X", guesser)));
  auto throttled = strict.claim("SN-1", "CODE-0001", guesser);
  EXPECT_EQ(refusal(throttled), errc::too_many_attempts);
  EXPECT_GT(throttled.error().retry_after_s.value_or(0), 0);
  EXPECT_FALSE(strict.admit_device("SN-2", "CODE-0002", "10.9.9.9:4000"));  // the same address, by MQTT
  EXPECT_FALSE(refusal(strict.claim("SN-1", "CODE-0001", {{"user", "usr_x"}, "10.9.9.10"})));  // another address
}

TEST_F(onboarding_test, a_weak_csr_is_rejected_with_a_reason_and_nothing_is_recorded) {
  pki::detail::owned_key weak(EVP_RSA_gen(1024));
  onboarding_->on_hello("SN-1", hello_with(csr_for(weak.get())));
  EXPECT_EQ(last_status("SN-1"), "rejected");
  EXPECT_NE(sent_.back().payload.find("1024"), std::string::npos);
  EXPECT_TRUE(onboarding_->pending(10).empty());
  onboarding_->on_hello("SN-1", "not json");
  EXPECT_EQ(last_status("SN-1"), "rejected");
}

TEST_F(onboarding_test, revocation_and_decommission_refuse_the_device_and_free_the_serial_only_on_re_enable) {
  onboarding_->on_hello("SN-1", hello_with(csr_for(key_.get())));
  auto result = onboarding_->claim("SN-1", "CODE-0001", admin());
  auto serial = devices_->certificates(result->device_id).front().serial;
  EXPECT_EQ(devices_->revoke_certificate(result->device_id, admin()).value(), 1u);
  EXPECT_TRUE(revoked_.contains(serial));
  EXPECT_EQ(disconnected_, std::vector<std::string>{result->device_id});
  EXPECT_FALSE(devices_->revocation_list().empty());

  EXPECT_TRUE(devices_->decommission(result->device_id, admin()));
  EXPECT_EQ(devices_->decommission(result->device_id, admin()).error(), errc::already_decommissioned);
  EXPECT_EQ(devices_->decommission("dev_nope", admin()).error(), errc::device_not_found);
  EXPECT_EQ(devices_->revoke_certificate("dev_nope", admin()).error(), errc::device_not_found);
  EXPECT_EQ(devices_->find(result->device_id)->stage, registry::lifecycle::decommissioned);
  EXPECT_EQ(refusal(onboarding_->claim("SN-1", "CODE-0001", admin())), errc::decommissioned);
  registry::registry_service reg(*db_, *audit_, *codes_);
  ASSERT_TRUE(reg.re_enable("SN-1", admin()));
  auto again = onboarding_->claim("SN-1", "CODE-0001", admin());
  ASSERT_TRUE(again);
  EXPECT_NE(again->device_id, result->device_id);
}

TEST_F(onboarding_test, label_patches_merge_are_checked_as_a_whole_and_are_audited_when_they_change_something) {
  auto id = onboarding_->claim("SN-2", "CODE-0002", admin())->device_id;  // {"site": "lab"} from the template
  auto d = devices_->update_labels(id, {{"ring", "canary"}, {"rack", "r 1"}}, admin());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->labels_json, R"({"rack":"r 1","ring":"canary","site":"lab"})");
  d = devices_->update_labels(id, {{"ring", std::nullopt}, {"site", "roof"}}, admin());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->labels_json, R"({"rack":"r 1","site":"roof"})");

  // 31 new keys are fine alone, not with the two the device has: the limit is on the result.
  registry::label_patch many;
  for (int i = 0; i < 31; ++i) many["k" + std::to_string(i)] = "v";
  auto refused = devices_->update_labels(id, many, admin());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, registry::errc::invalid_labels);
  ASSERT_EQ(refused.error().issues.size(), 1u);
  EXPECT_EQ(refused.error().issues[0].key, "");
  refused = devices_->update_labels(id, {{"model", "x"}, {"bad key", "y"}}, admin());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().issues.size(), 2u);
  EXPECT_EQ(devices_->find(id)->labels_json, R"({"rack":"r 1","site":"roof"})");
  EXPECT_EQ(devices_->update_labels("dev_nope", {{"a", "b"}}, admin()).error().code, registry::errc::device_not_found);

  EXPECT_TRUE(devices_->update_labels(id, {{"site", "roof"}}, admin()));  // no change: not audited
  auto entries = audit_->find({.action = "device.labels", .limit = 10}).items;
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries.front().what.by.id, "usr_tech");
  EXPECT_EQ(json::serialize(entries.front().what.details),
            R"({"from":{"rack":"r 1","ring":"canary","site":"lab"},"to":{"rack":"r 1","site":"roof"}})");
}

TEST_F(onboarding_test, a_connected_device_renews_its_certificate_over_mqtt) {
  onboarding_->on_hello("SN-1", hello_with(csr_for(key_.get())));
  auto result = onboarding_->claim("SN-1", "CODE-0001", admin());
  devices_->on_connected(result->device_id, "x");
  pki::detail::owned_key next(EVP_EC_gen("P-256"));
  devices_->on_renew(result->device_id, json::serialize(json::object{{"csr", csr_for(next.get())}}));
  EXPECT_EQ(sent_.back().topic, "devices/" + result->device_id + "/certificate");
  auto certs = devices_->certificates(result->device_id);
  ASSERT_EQ(certs.size(), 2u);
  EXPECT_EQ(certs[0].status == "active" ? certs[1].status : certs[0].status, "superseded");
  devices_->on_renew(result->device_id, "{}");
  EXPECT_EQ(sent_.back().topic, "devices/" + result->device_id + "/certificate/rejected");
}

TEST(checked_csr_cache_test, a_check_is_reused_only_for_the_same_serial_and_text) {
  checked_csr_cache cache(2);
  pki::detail::owned_key a(EVP_EC_gen("P-256")), b(EVP_EC_gen("P-256"));
  const auto pem_a = csr_for(a.get()), pem_b = csr_for(b.get());
  auto first = cache.check("SN-A", pem_a);
  ASSERT_TRUE(first) << first.refusal;
  EXPECT_EQ(cache.check("SN-A", pem_a).csr, first.csr);  // the same object: not parsed again
  EXPECT_NE(cache.check("SN-B", pem_a).csr, first.csr);  // another serial checks for itself
  auto other_key = cache.check("SN-A", pem_b);           // a new key replaces the entry
  ASSERT_TRUE(other_key);
  EXPECT_NE(other_key.csr->key_sha256(), first.csr->key_sha256());
  EXPECT_FALSE(cache.check("SN-C", "-----BEGIN CERTIFICATE REQUEST-----\nbroken\n"));
  cache.forget("SN-A");
  EXPECT_NE(cache.check("SN-A", pem_b).csr, other_key.csr);
  cache.check("SN-D", pem_a);  // capacity 2: the oldest entries go
  cache.check("SN-E", pem_a);
  auto again = cache.check("SN-D", pem_a);
  EXPECT_EQ(cache.check("SN-D", pem_a).csr, again.csr);
}

}  // namespace
}  // namespace mothership::provisioning
