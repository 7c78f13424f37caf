#include "auth/session_service.hpp"

#include "auth/password.hpp"
#include "auth/user_store.hpp"
#include "common/encoding.hpp"
#include "common/ids.hpp"

namespace mothership::auth {

namespace {

std::int64_t now_s() {
  return common::now_ms() / 1000;
}

audit::event auth_event(std::string action, audit::actor by, std::string target_id, audit::outcome result,
                        const std::string& source) {
  return audit::event{std::move(by), std::move(action), "user", std::move(target_id), result, source, {}};
}

}  // namespace

session_service::session_service(storage::database& db, audit::audit_log& audit, user_service& users,
                                 access_token_codec& tokens, login_throttle& throttle, revoked_tokens& revoked,
                                 int refresh_ttl_s, events::event_bus* events)
    : db_(db),
      audit_(audit),
      users_(users),
      tokens_(tokens),
      throttle_(throttle),
      revoked_(revoked),
      refresh_ttl_s_(refresh_ttl_s),
      events_(events) {}

session session_service::open(storage::connection& c, const user& u, const std::string& family_id) {
  session s;
  s.who = u;
  s.access_token = tokens_.issue(u.id, to_string(u.user_role), u.token_generation, now_s());
  s.expires_in = tokens_.ttl_s();
  s.refresh_token = common::random_token(32);
  s.refresh_expires_in = refresh_ttl_s_;
  common::millis now = common::now_ms();
  refresh_store::insert(c, common::sha256_hex(s.refresh_token), family_id, u.id, now,
                        now + static_cast<common::millis>(refresh_ttl_s_) * 1000);
  return s;
}

result<session> session_service::login(const std::string& username, const std::string& password,
                                       const std::string& source, int& retry_after_s) {
  retry_after_s = throttle_.retry_after(username, source);
  if (retry_after_s > 0) {
    auto e = auth_event("auth.login", {"user", ""}, "", audit::outcome::denied, source);
    e.details["username"] = username;
    e.details["reason"] = "throttled";
    audit_.append(e);
    return errc::throttled;
  }
  auto found = db_.read_result([&](storage::connection& c) { return user_store::find_credentials(c, username); });
  // Unknown users cost the same argon2 work as a wrong password, and get the same answer.
  bool password_ok = false;
  if (found)
    password_ok = verify_password(found->second, password);
  else
    verify_against_dummy(password);

  const char* reason = !found                  ? "unknown_user"
                       : !password_ok          ? "bad_password"
                       : found->first.disabled ? "disabled"
                                               : nullptr;
  if (reason) {
    throttle_.record_failure(username, source);
    auto e = auth_event("auth.login", {"user", found ? found->first.id : ""}, found ? found->first.id : "",
                        audit::outcome::failure, source);
    e.details["username"] = username;
    e.details["reason"] = reason;
    audit_.append(e);
    return errc::invalid_credentials;
  }
  throttle_.record_success(username);
  // The password was checked outside the transaction (argon2 is slow): should it have been
  // changed or reset, or the user disabled, meanwhile, this login must not outlive that
  // revocation, so the user is read again where the session is written.
  std::optional<session> opened;
  db_.write([&](storage::connection& c) {
    auto now = user_store::find_by_id(c, found->first.id);
    auto hash_now = user_store::password_hash(c, found->first.id);
    if (!now || now->disabled || !hash_now || *hash_now != found->second) return;
    opened = open(c, *now, common::new_id("fam"));
    auto e = auth_event("auth.login", {"user", now->id}, now->id, audit::outcome::success, source);
    e.details["username"] = now->username;
    audit_.append(c, e);
  });
  if (!opened) return errc::invalid_credentials;
  return std::move(*opened);
}

result<session> session_service::refresh(const std::string& refresh_token, const std::string& source) {
  std::string hash = common::sha256_hex(refresh_token);
  std::optional<errc> failure;
  std::optional<session> opened;
  db_.write([&](storage::connection& c) {
    auto rec = refresh_store::find(c, hash);
    common::millis now = common::now_ms();
    if (!rec || rec->revoked || rec->expires_at <= now) return failure.emplace(errc::refresh_invalid), void();
    if (rec->used) {
      // A rotated token came back: someone holds a copy. End the whole login.
      refresh_store::revoke_family(c, rec->family_id, now);
      auto e = auth_event("auth.refresh_reuse", {"user", rec->user_id}, rec->user_id, audit::outcome::denied, source);
      e.details["family"] = rec->family_id;
      audit_.append(c, e);
      return failure.emplace(errc::refresh_reused), void();
    }
    auto u = users_.find(rec->user_id);
    if (!u || u->disabled) return failure.emplace(errc::refresh_invalid), void();
    refresh_store::mark_used(c, hash, now);
    opened = open(c, *u, rec->family_id);
  });
  if (failure) return *failure;
  return std::move(*opened);
}

void session_service::logout(const std::string& refresh_token, std::string_view access_token,
                             const std::string& source) {
  std::optional<access_claims> token;
  bool token_revoked = false;
  if (!access_token.empty())
    if (auto valid = tokens_.verify(access_token, now_s())) token = std::move(*valid);
  db_.write([&](storage::connection& c) {
    std::string user_id;
    if (!refresh_token.empty())
      if (auto rec = refresh_store::find(c, common::sha256_hex(refresh_token))) {
        refresh_store::revoke_family(c, rec->family_id, common::now_ms());
        user_id = rec->user_id;
      }
    if (token && (user_id.empty() || user_id == token->sub)) {
      revoked_.revoke(c, token->jti, token->sub, token->exp, now_s());
      user_id = token->sub;
      token_revoked = true;  // not another user's token sent beside this cookie
    }
    if (user_id.empty()) return;
    auto e = auth_event("auth.logout", {"user", user_id}, user_id, audit::outcome::success, source);
    e.details["access_token_revoked"] = token_revoked;
    audit_.append(c, e);
  });
  if (token_revoked && events_)
    events_->publish({"auth.token_revoked", token->sub, {{"user_id", token->sub}, {"jti", token->jti}}, 0});
}

result<void> session_service::change_password(const std::string& user_id, const std::string& current,
                                              const std::string& next, const std::string& source, int& retry_after_s) {
  auto u = users_.find(user_id);
  if (!u) return errc::user_not_found;
  // A stolen access token must not become the account for good: guesses at the current
  // password count with failed logins, for the account and the address.
  retry_after_s = throttle_.retry_after(u->username, source);
  if (retry_after_s > 0) {
    auto e = auth_event("auth.password_change", {"user", user_id}, user_id, audit::outcome::denied, source);
    e.details["reason"] = "throttled";
    audit_.append(e);
    return errc::throttled;
  }
  auto stored = db_.read_result([&](storage::connection& c) { return user_store::password_hash(c, user_id); });
  if (!stored) return errc::user_not_found;
  if (!verify_password(*stored, current)) {
    throttle_.record_failure(u->username, source);
    auto e = auth_event("auth.password_change", {"user", user_id}, user_id, audit::outcome::failure, source);
    e.details["reason"] = "wrong_current_password";
    audit_.append(e);
    return errc::wrong_current_password;
  }
  throttle_.record_success(u->username);
  return users_.replace_password(user_id, hash_password(next), source);
}

result<authenticated> session_service::check(std::string_view bearer_token) const {
  auto claims = tokens_.verify(bearer_token, now_s());
  if (!claims) return claims.error();
  auto u = users_.find(claims->sub);
  if (!u) return errc::user_not_found;
  if (u->disabled) return errc::user_disabled;
  if (claims->generation != u->token_generation || revoked_.contains(claims->jti)) return errc::token_revoked;
  return authenticated{std::move(*u), std::move(*claims)};
}

bool session_service::user_enabled(const std::string& user_id) const {
  auto u = users_.find(user_id);
  return u && !u->disabled;
}

result<user> session_service::authenticate(std::string_view bearer_token) const {
  auto checked = check(bearer_token);
  if (!checked) return checked.error();
  return std::move(checked->who);
}

}  // namespace mothership::auth
