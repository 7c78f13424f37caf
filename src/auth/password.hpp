#pragma once
// Password hashing with argon2id (libsodium, interactive limits). Slow on purpose: call it on
// the worker pool.
#include <string>
#include <string_view>

namespace mothership::auth {

constexpr std::size_t min_password_length = 10;
constexpr std::size_t max_password_length = 1024;

std::string hash_password(std::string_view password);  // "$argon2id$v=19$m=...,t=...,p=...$..."
bool verify_password(std::string_view stored_hash, std::string_view password);

// Spends the same time as verifying a real hash, for usernames that do not exist, so that
// the answer's timing does not tell whether an account exists.
void verify_against_dummy(std::string_view password);

}  // namespace mothership::auth
