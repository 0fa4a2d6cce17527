// SPDX-License-Identifier: MIT
// What /proc says about processes and descriptors: tend's subtree and its own open fds.
#include "sys/processes.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sys/parse_whole.h"
#include "sys/pidfd.h"
#include "sys/unique_fd.h"

namespace tend {
namespace {

struct ProcEntry {
  pid_t parent;
  bool is_zombie;
  unsigned long long start;
};

/// The 0-based field `index` of the space-separated `fields` (the text after comm's ')').
std::string_view nth_field(std::string_view fields, int index) {
  for (int i = 0; i < index; ++i) {
    auto space = fields.find(' ');
    if (space == std::string_view::npos) return {};
    fields.remove_prefix(space + 1);
  }
  return fields.substr(0, fields.find(' '));
}

/// Reads state, parent and start time from /proc/PID/stat: "pid (comm) S ppid ...", where comm
/// may hold ')' and the start time is field 22 (the 20th after comm).
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
  auto parent = parse_whole<pid_t>(nth_field(rest, 1));
  auto start = parse_whole<unsigned long long>(nth_field(rest, 19));
  if (!parent || !start) return std::nullopt;
  return ProcEntry{*parent, rest[0] == 'Z', *start};
}

std::optional<ProcEntry> read_stat(pid_t pid) {
  char name[16];
  snprintf(name, sizeof name, "%d", pid);
  return read_stat(name);
}

/// Whether /proc is the procfs of tend's PID namespace: /proc/self names tend. A /proc that is
/// missing, an empty directory, or the host's seen from a container tells nothing about tend's
/// processes, and its pids would name strangers.
bool proc_is_ours() {
  char target[32];
  ssize_t got = readlink("/proc/self", target, sizeof target - 1);
  if (got <= 0) return false;
  return parse_whole<pid_t>(std::string_view(target, static_cast<size_t>(got))) == getpid();
}

template <typename Visit>
bool for_each_entry(const char* directory, Visit visit) {
  DIR* dir = opendir(directory);
  if (dir == nullptr) return false;
  while (dirent* entry = readdir(dir)) {
    if (auto number = parse_whole<pid_t>(entry->d_name)) visit(*number, entry->d_name);
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
  std::optional<std::vector<ListedProcess>> processes = live_descendants(root);
  if (!processes) return std::nullopt;
  std::vector<pid_t> writers;
  for (const ListedProcess& process : *processes) {
    if (writes_to(process.pid, device, inode)) writers.push_back(process.pid);
  }
  return writers;
}

std::optional<std::vector<ListedProcess>> live_descendants(pid_t root) {
  if (!proc_is_ours()) return std::nullopt;
  std::unordered_map<pid_t, ProcEntry> processes;
  bool unreadable = false;
  bool listed = for_each_entry("/proc", [&](int pid, const char* name) {
    errno = 0;
    if (auto entry = read_stat(name)) {
      processes.emplace(pid, *entry);
    } else if (errno == EMFILE || errno == ENFILE || errno == ENOMEM) {
      unreadable = true;  // Not gone: unseen. A list without it would say "nothing left".
    }
  });
  if (!listed || unreadable) return std::nullopt;
  std::vector<ListedProcess> found;
  for (const auto& [pid, entry] : processes) {
    if (entry.is_zombie) continue;
    // Walk up; the depth bound guards against a cycle from pids reused while we read.
    pid_t ancestor = entry.parent;
    for (int depth = 0; ancestor > 1 && ancestor != root && depth < 4096; ++depth) {
      auto up = processes.find(ancestor);
      ancestor = up == processes.end() ? 0 : up->second.parent;
    }
    if (ancestor == root && pid != root) found.push_back({pid, entry.start});
  }
  return found;
}

bool signal_if_same(const ListedProcess& process, int signo) {
  UniqueFd held = open_pidfd(process.pid);
  if (!held.is_open() && errno != ENOSYS) return false;  // ESRCH: gone already.
  // Read after the pidfd was taken: if the start time still matches, the pidfd holds the listed
  // process. If it has ended since, the signal below goes nowhere (ESRCH), never to a newcomer.
  auto now = read_stat(process.pid);
  if (!now || now->start != process.start) return false;
  if (!held.is_open()) return kill(process.pid, signo) == 0;
  return syscall(SYS_pidfd_send_signal, held.get(), signo, nullptr, 0) == 0;
}

std::optional<pid_t> parent_of(pid_t pid) {
  auto entry = read_stat(pid);
  return entry ? std::optional<pid_t>(entry->parent) : std::nullopt;
}

bool is_listed(pid_t pid) { return pid > 0 && proc_is_ours() && read_stat(pid).has_value(); }

bool is_descendant(pid_t pid, pid_t root, bool zombie_too) {
  if (!proc_is_ours()) return false;
  // The depth bound guards against a cycle from pids reused while we read.
  for (int depth = 0; pid > 1 && depth < 4096; ++depth) {
    auto entry = read_stat(pid);
    if (!entry || (depth == 0 && entry->is_zombie && !zombie_too)) return false;
    if (entry->parent == root) return true;
    pid = entry->parent;
  }
  return false;
}

namespace {

/// Whether tend inherited `fd`: every fd tend opens is close-on-exec from birth, and none that
/// survived the exec into tend is, so the flag tells the two apart.
bool is_inherited(int fd) {
  if (fd <= 2) return false;
  int flags = fcntl(fd, F_GETFD);
  return flags >= 0 && (flags & FD_CLOEXEC) == 0;
}

}  // namespace

void close_inherited_fds() {
  auto close_if_inherited = [](int fd) {
    if (is_inherited(fd)) ::close(fd);
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
