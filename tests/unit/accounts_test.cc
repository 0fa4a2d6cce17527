// SPDX-License-Identifier: MIT
// Unit tests of user and group resolution from passwd and group texts.
#include "sys/accounts.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

constexpr std::string_view kPasswd =
    "root:x:0:0:root:/root:/bin/bash\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
    "app:x:1000:1000::/home/app:/bin/sh\n"
    "nohome:x:1001:1001:::/bin/sh\n";
constexpr std::string_view kGroup =
    "root:x:0:\n"
    "audio:x:29:app\n"
    "video:x:44:other,app\n"
    "nogroup:x:65534:\n"
    "app:x:1000:\n";

std::optional<Account> resolve(std::string_view spec, std::string* error = nullptr) {
  std::string message;
  auto account = resolve_account(spec, kPasswd, kGroup, message);
  if (error) *error = message;
  return account;
}

/// Whether `spec` is refused with an error that names `culprit` in quotes.
testing::AssertionResult is_refused_naming(std::string_view spec, std::string_view culprit) {
  std::string error;
  if (resolve(spec, &error)) return testing::AssertionFailure() << "'" << spec << "' resolved";
  if (error.find("'" + std::string(culprit) + "'") == std::string::npos) {
    return testing::AssertionFailure() << "the error does not name '" << culprit << "': " << error;
  }
  return testing::AssertionSuccess();
}

TEST(ResolveAccount, UserByName) {
  auto account = resolve("app");
  ASSERT_TRUE(account);
  EXPECT_EQ(account->uid, 1000u);
  EXPECT_EQ(account->gid, 1000u);
  EXPECT_EQ(account->home, "/home/app");
  EXPECT_EQ(account->groups, (std::vector<gid_t>{29, 44}));
}

TEST(ResolveAccount, UserByNumberFindsTheEntry) {
  auto account = resolve("65534");
  ASSERT_TRUE(account);
  EXPECT_EQ(account->gid, 65534u);
  EXPECT_EQ(account->home, "/nonexistent");
}

TEST(ResolveAccount, UnknownNumberIsTakenAsItIs) {
  auto account = resolve("4242");
  ASSERT_TRUE(account);
  EXPECT_EQ(account->uid, 4242u);
  EXPECT_EQ(account->gid, 4242u);
  EXPECT_TRUE(account->groups.empty());
  EXPECT_EQ(account->home, "/");
}

TEST(ResolveAccount, GroupByNameOrNumber) {
  EXPECT_EQ(resolve("app:video")->gid, 44u);
  EXPECT_EQ(resolve("app:123")->gid, 123u);
  EXPECT_EQ(resolve("nobody:nogroup")->gid, 65534u);
}

TEST(ResolveAccount, EmptyHomeBecomesRoot) { EXPECT_EQ(resolve("nohome")->home, "/"); }

// A property fuzz/accounts_fuzz checks: 4294967295 is (uid_t)-1, which to setresuid and chown means
// "leave unchanged", and which setuid refuses only when COMMAND is being started.
TEST(ResolveAccount, MinusOneIsNoId) {
  EXPECT_TRUE(is_refused_naming("4294967295", "4294967295"));
  EXPECT_TRUE(is_refused_naming("app:4294967295", "4294967295"));
  std::string error;
  EXPECT_FALSE(resolve_account("ghost", "ghost:x:4294967295:0::/:/bin/sh\n", "", error));
  EXPECT_FALSE(resolve_account("ghost", "ghost:x:0:4294967295::/:/bin/sh\n", "", error));
  auto account = resolve_account("app", kPasswd, "bad:x:4294967295:app\n", error);
  ASSERT_TRUE(account);
  EXPECT_TRUE(account->groups.empty());
}

TEST(ResolveAccount, UnknownNamesAreErrors) {
  EXPECT_TRUE(is_refused_naming("ghost", "ghost"));
  EXPECT_TRUE(is_refused_naming("app:ghosts", "ghosts"));
  EXPECT_FALSE(resolve(""));
}

}  // namespace
}  // namespace tend
