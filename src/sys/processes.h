// SPDX-License-Identifier: MIT
// What /proc says about processes and descriptors: tend's subtree and its own open fds.
#pragma once

#include <sys/types.h>

#include <optional>
#include <vector>

namespace tend {

/// Live (not zombie) processes below `root` in the process tree; nullopt when /proc is missing.
std::optional<std::vector<pid_t>> live_descendants(pid_t root);

/// Whether `pid` is a live process below `root` (walking its parents through /proc).
bool is_descendant(pid_t pid, pid_t root);

/// Live processes below `root` that hold the file (device, inode) open for writing, each once;
/// nullopt when /proc is missing.
std::optional<std::vector<pid_t>> processes_writing(pid_t root, dev_t device, ino_t inode);

/// Closes every descriptor above 2 that is not close-on-exec: those tend inherited, since all of
/// its own are close-on-exec. Found through /proc/self/fd, or by probing when /proc is missing.
void close_inherited_fds();

}  // namespace tend
