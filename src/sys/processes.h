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

/// Descriptors open in this process now, as listed by /proc/self/fd (or found by probing).
std::vector<int> open_fds();

/// Closes every descriptor in `fds`.
void close_fds(const std::vector<int>& fds);

}  // namespace tend
