// SPDX-License-Identifier: MIT
// What /proc says about processes and descriptors: tend's subtree and its own open fds.
#pragma once

#include <sys/types.h>

#include <optional>
#include <vector>

namespace tend {

/// A process as /proc lists it: its pid and its start time (clock ticks after boot), which
/// together name one process, since a reused pid starts later.
struct ListedProcess {
  pid_t pid;
  unsigned long long start;
};

/// Live (not zombie) processes below `root` in the process tree; nullopt when /proc cannot be
/// read or is not the /proc of tend's own PID namespace (missing, empty, or another's).
[[nodiscard]] std::optional<std::vector<ListedProcess>> live_descendants(pid_t root);

/// Sends `signo` to `process` only if it is still the process listed: it is held by a pidfd,
/// whose start time is then checked, so a pid reused in between is never signalled. Returns
/// false when it is gone (or changed). Without pidfds (Linux < 5.3), kill(2) after the check.
bool signal_if_same(const ListedProcess& process, int signo);

/// Whether `pid` is a live process below `root` (walking its parents through /proc); with
/// `zombie_too`, also one that has ended but is not yet reaped by its parent.
bool is_descendant(pid_t pid, pid_t root, bool zombie_too = false);

/// The parent of `pid` as /proc says it; nullopt when it is not listed.
[[nodiscard]] std::optional<pid_t> parent_of(pid_t pid);

/// Whether `pid` has an entry in /proc (alive, or a zombie not yet reaped).
bool is_listed(pid_t pid);

/// Live processes below `root` that hold the file (device, inode) open for writing, each once;
/// nullopt when /proc is missing.
[[nodiscard]] std::optional<std::vector<pid_t>> processes_writing(pid_t root, dev_t device,
                                                                  ino_t inode);

/// Closes every descriptor above 2 that is not close-on-exec: those tend inherited, since all of
/// its own are close-on-exec. Found through /proc/self/fd, or by probing when /proc is missing.
/// Call it after spawning: the walk then runs while COMMAND starts, not before.
void close_inherited_fds();

}  // namespace tend
