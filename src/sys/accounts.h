// SPDX-License-Identifier: MIT
// Users and groups from the container's own /etc/passwd and /etc/group, without NSS.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tend {

/// Who COMMAND runs as.
struct Account {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  ///< Supplementary groups.
  std::string home = "/";
};

/// Resolves "USER[:GROUP]" (names or numbers) against the texts of passwd and group files.
/// A number not in passwd is taken as it is, with the same number as its group and home "/".
/// On failure returns nullopt and says why in `error`.
[[nodiscard]] std::optional<Account> resolve_account(std::string_view spec, std::string_view passwd,
                                                     std::string_view group, std::string& error);

/// resolve_account with /etc/passwd and /etc/group (a missing file counts as empty).
[[nodiscard]] std::optional<Account> resolve_account(std::string_view spec, std::string& error);

}  // namespace tend
