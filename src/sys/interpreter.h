// SPDX-License-Identifier: MIT
// Why exec said "No such file or directory" of a file that is there: its "#!" interpreter is not.
#pragma once

#include <optional>
#include <string>

namespace tend {

/// The interpreter named on the "#!" line of `command` when that interpreter does not exist, so
/// that exec fails with ENOENT although `command` is there; nullopt otherwise. `command` is looked
/// up through PATH as execvp does when it has no '/'. Run in the parent after the failure: it
/// reads files, which has no place between fork and exec.
[[nodiscard]] std::optional<std::string> missing_interpreter(const std::string& command);

}  // namespace tend
