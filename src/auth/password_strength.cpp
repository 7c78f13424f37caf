#include "auth/password_strength.hpp"

#include <pwquality.h>

#include <memory>
#include <mutex>

#include "auth/password.hpp"

namespace mothership::auth {

namespace {

struct settings_deleter {
  void operator()(pwquality_settings_t* s) const { pwquality_free_settings(s); }
};

// The library's defaults (not /etc/security/pwquality.conf: the server's rules should not change
// with the host's PAM configuration), with our minimum length. Its length credits would let a
// shorter mixed-case password pass; our own rule is the plain length.
pwquality_settings_t* settings() {
  static std::unique_ptr<pwquality_settings_t, settings_deleter> s = [] {
    std::unique_ptr<pwquality_settings_t, settings_deleter> made(pwquality_default_settings());
    pwquality_set_int_value(made.get(), PWQ_SETTING_MIN_LENGTH, static_cast<int>(min_password_length));
    return made;
  }();
  return s.get();
}

}  // namespace

std::optional<std::string> password_weakness(std::string_view password, std::string_view username) {
  if (password.size() < min_password_length)
    return "The password must be at least " + std::to_string(min_password_length) + " characters";
  // cracklib keeps state of its own while it reads the dictionary: one check at a time.
  static std::mutex serialised;
  std::lock_guard lock(serialised);
  std::string pw(password), user(username);
  void* aux = nullptr;
  int score = pwquality_check(settings(), pw.c_str(), nullptr, user.empty() ? nullptr : user.c_str(), &aux);
  if (score >= 0) return std::nullopt;
  char reason[256];
  const char* text = pwquality_strerror(reason, sizeof reason, score, aux);  // frees `aux`
  return std::string(text ? text : "The password is too weak");
}

std::string_view password_rules() {
  return "at least 10 characters, not a dictionary word, not a simple pattern, and not based on the username";
}

}  // namespace mothership::auth
