// SPDX-License-Identifier: MIT
// Fuzzes resolve_account on a USER[:GROUP] spec and passwd and group texts, all from the input
// (cut at NULs), the way tend reads an image's /etc/passwd and /etc/group: untrusted.
#include <string>

#include "check.h"
#include "sys/accounts.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = tend::fuzz::split_at_nul(tend::fuzz::as_text(data, size));
  parts.resize(3);  // spec, passwd, group; the ones missing are empty.
  std::string error;
  auto account = tend::resolve_account(parts[0], parts[1], parts[2], error);
  if (!account) {
    FUZZ_CHECK(!error.empty());
    return 0;
  }
  FUZZ_CHECK(!account->home.empty());
  // -1 is no id: to setresuid and chown it means "leave unchanged".
  FUZZ_CHECK(account->uid != static_cast<uid_t>(-1) && account->gid != static_cast<gid_t>(-1));
  for (gid_t group : account->groups) FUZZ_CHECK(group != static_cast<gid_t>(-1));
  return 0;
}
