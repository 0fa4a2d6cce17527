// SPDX-License-Identifier: MIT
// Users and groups from the container's own /etc/passwd and /etc/group, without NSS.
#include "sys/accounts.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "sys/parse_whole.h"
#include "sys/unique_fd.h"

namespace tend {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

/// A uid or gid. (uid_t)-1 is none: to setresuid and chown it means "leave unchanged".
std::optional<unsigned> parse_id(std::string_view text) {
  std::optional<unsigned> id = parse_whole<unsigned>(text);
  if (id == static_cast<uid_t>(-1)) return std::nullopt;
  return id;
}

/// The first line of a passwd/group text whose field `key_field` equals `key`.
std::optional<std::vector<std::string_view>> find_entry(std::string_view file, size_t key_field,
                                                        std::string_view key, size_t fields) {
  for (std::string_view line : split(file, '\n')) {
    auto parts = split(line, ':');
    if (parts.size() >= fields && parts[key_field] == key) return parts;
  }
  return std::nullopt;
}

/// Larger than any real passwd or group file; a bigger one is not read.
constexpr off_t kMaxAccountsFile = 16 << 20;

/// The image's passwd or group file, "" when missing. Opened so that a FIFO there cannot block
/// tend and a device cannot feed it forever: only a regular file of sane size is read.
std::optional<std::string> read_file(const char* path, std::string& error) {
  UniqueFd fd(open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (!fd.is_open()) return std::string();
  struct stat info {};
  if (fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode) || info.st_size > kMaxAccountsFile) {
    error = fmt::format("'{}' is not a regular file of at most 16 MiB", path);
    return std::nullopt;
  }
  std::string text;
  char buffer[4096];
  ssize_t got;
  while (text.size() <= static_cast<size_t>(kMaxAccountsFile) &&
         (got = read(fd.get(), buffer, sizeof buffer)) > 0) {
    text.append(buffer, static_cast<size_t>(got));
  }
  return text;
}

std::optional<gid_t> resolve_group(std::string_view name, std::string_view group) {
  if (auto number = parse_id(name)) return *number;
  if (auto entry = find_entry(group, 0, name, 4)) return parse_id((*entry)[2]);
  return std::nullopt;
}

/// Groups whose member list (fourth field) names `user`.
std::vector<gid_t> supplementary_groups(std::string_view user, std::string_view group) {
  std::vector<gid_t> groups;
  for (std::string_view line : split(group, '\n')) {
    auto parts = split(line, ':');
    if (parts.size() < 4) continue;
    auto members = split(parts[3], ',');
    auto gid = parse_id(parts[2]);
    if (gid && std::find(members.begin(), members.end(), user) != members.end()) {
      groups.push_back(*gid);
    }
  }
  return groups;
}

}  // namespace

std::optional<Account> resolve_account(std::string_view spec, std::string_view passwd,
                                       std::string_view group, std::string& error) {
  auto colon = spec.find(':');
  std::string_view user = spec.substr(0, colon);
  Account account;
  auto entry = find_entry(passwd, 0, user, 7);
  if (!entry && !parse_id(user)) {
    error = fmt::format("unknown user '{}' in /etc/passwd", user);
    return std::nullopt;
  }
  if (!entry) entry = find_entry(passwd, 2, user, 7);
  if (entry) {
    auto uid = parse_id((*entry)[2]);
    auto gid = parse_id((*entry)[3]);
    if (!uid || !gid) {
      error = fmt::format("malformed /etc/passwd entry for '{}'", user);
      return std::nullopt;
    }
    account.uid = *uid;
    account.gid = *gid;
    account.groups = supplementary_groups((*entry)[0], group);
    std::string_view home = (*entry)[5];
    if (!home.empty()) account.home.assign(home.data(), home.size());
  } else {
    account.uid = account.gid = *parse_id(user);
  }
  if (colon != std::string_view::npos) {
    std::string_view group_name = spec.substr(colon + 1);
    auto gid = resolve_group(group_name, group);
    if (!gid) {
      error = fmt::format("unknown group '{}' in /etc/group", group_name);
      return std::nullopt;
    }
    account.gid = *gid;
  }
  return account;
}

std::optional<Account> resolve_account(std::string_view spec, std::string& error) {
  std::optional<std::string> passwd = read_file("/etc/passwd", error);
  std::optional<std::string> group = passwd ? read_file("/etc/group", error) : std::nullopt;
  if (!passwd || !group) return std::nullopt;
  return resolve_account(spec, *passwd, *group, error);
}

}  // namespace tend
