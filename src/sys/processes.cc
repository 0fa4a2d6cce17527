// SPDX-License-Identifier: MIT
// What /proc says about processes and descriptors: tend's subtree and its own open fds.
#include "sys/processes.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sys/unique_fd.h"

namespace tend {
namespace {

struct ProcEntry {
  pid_t parent;
  bool is_zombie;
};

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

/// Reads state and parent from /proc/PID/stat: "pid (comm) S ppid ...", comm may hold ')'.
std::optional<ProcEntry> read_stat(const char* pid_name) {
  char path[300];
  snprintf(path, sizeof path, "/proc/%s/stat", pid_name);
  UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (!fd.is_open()) return std::nullopt;
  char buffer[512];
  ssize_t got = read(fd.get(), buffer, sizeof buffer - 1);
  if (got <= 0) return std::nullopt;
  std::string_view stat(buffer, static_cast<size_t>(got));
  auto close_paren = stat.rfind(')');
  if (close_paren == std::string_view::npos || close_paren + 4 >= stat.size()) return std::nullopt;
  std::string_view rest = stat.substr(close_paren + 2);  // "S ppid ..."
  auto space = rest.find(' ', 2);
  auto parent = parse_int(rest.substr(2, space - 2));
  if (!parent) return std::nullopt;
  return ProcEntry{*parent, rest[0] == 'Z'};
}

template <typename Visit>
bool for_each_entry(const char* directory, Visit visit) {
  DIR* dir = opendir(directory);
  if (dir == nullptr) return false;
  while (dirent* entry = readdir(dir)) {
    if (auto number = parse_int(entry->d_name)) visit(*number, entry->d_name);
  }
  closedir(dir);
  return true;
}

/// Whether /proc/PID/fdinfo/FD says the descriptor is open for writing ("flags:\t0100001").
bool is_open_for_writing(pid_t pid, const char* fd_name) {
  char path[300];
  snprintf(path, sizeof path, "/proc/%d/fdinfo/%s", pid, fd_name);
  UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (!fd.is_open()) return false;
  char buffer[256];
  ssize_t got = read(fd.get(), buffer, sizeof buffer - 1);
  if (got <= 0) return false;
  std::string_view info(buffer, static_cast<size_t>(got));
  size_t at = info.find("flags:");
  if (at == std::string_view::npos) return false;
  unsigned long flags = std::strtoul(buffer + at + 6, nullptr, 8);
  return (flags & O_ACCMODE) != O_RDONLY;
}

/// Whether `pid` has a descriptor of the file (device, inode) open for writing.
bool writes_to(pid_t pid, dev_t device, ino_t inode) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/fd", pid);
  bool writes = false;
  for_each_entry(path, [&](int, const char* fd_name) {
    struct stat status {};
    std::string link = std::string(path) + "/" + fd_name;
    if (!writes && stat(link.c_str(), &status) == 0 && status.st_dev == device &&
        status.st_ino == inode) {
      writes = is_open_for_writing(pid, fd_name);
    }
  });
  return writes;
}

}  // namespace

std::optional<std::vector<pid_t>> processes_writing(pid_t root, dev_t device, ino_t inode) {
  std::optional<std::vector<pid_t>> processes = live_descendants(root);
  if (!processes) return std::nullopt;
  std::vector<pid_t> writers;
  for (pid_t pid : *processes) {
    if (writes_to(pid, device, inode)) writers.push_back(pid);
  }
  return writers;
}

std::optional<std::vector<pid_t>> live_descendants(pid_t root) {
  std::unordered_map<pid_t, ProcEntry> processes;
  bool listed = for_each_entry("/proc", [&](int pid, const char* name) {
    if (auto entry = read_stat(name)) processes.emplace(pid, *entry);
  });
  if (!listed) return std::nullopt;
  std::vector<pid_t> found;
  for (const auto& [pid, entry] : processes) {
    if (entry.is_zombie) continue;
    // Walk up; the depth bound guards against a cycle from pids reused while we read.
    pid_t ancestor = entry.parent;
    for (int depth = 0; ancestor > 1 && ancestor != root && depth < 4096; ++depth) {
      auto up = processes.find(ancestor);
      ancestor = up == processes.end() ? 0 : up->second.parent;
    }
    if (ancestor == root && pid != root) found.push_back(pid);
  }
  return found;
}

bool is_descendant(pid_t pid, pid_t root) {
  // The depth bound guards against a cycle from pids reused while we read.
  for (int depth = 0; pid > 1 && depth < 4096; ++depth) {
    char name[16];
    snprintf(name, sizeof name, "%d", pid);
    auto entry = read_stat(name);
    if (!entry || (depth == 0 && entry->is_zombie)) return false;
    if (entry->parent == root) return true;
    pid = entry->parent;
  }
  return false;
}

void close_inherited_fds() {
  // Every fd tend opens is close-on-exec from birth, and none that survived the exec into tend
  // is: the flag tells the two apart, with no list kept from start-up.
  auto close_if_inherited = [](int fd) {
    int flags = fcntl(fd, F_GETFD);
    if (fd > 2 && flags >= 0 && (flags & FD_CLOEXEC) == 0) ::close(fd);
  };
  if (for_each_entry("/proc/self/fd", [&](int fd, const char*) { close_if_inherited(fd); })) {
    return;
  }
  struct rlimit limit {};
  getrlimit(RLIMIT_NOFILE, &limit);
  int highest = limit.rlim_cur > 65536 || limit.rlim_cur == RLIM_INFINITY
                    ? 65536
                    : static_cast<int>(limit.rlim_cur);
  for (int fd = 3; fd < highest; ++fd) close_if_inherited(fd);
}

}  // namespace tend
