// SPDX-License-Identifier: MIT
// What the --procfile tests add to the supervisor helpers: Procfiles of helper command lines.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "sup_util.h"

namespace tend::e2e {

/// One Procfile line: a service name and its command line.
using ServiceLine = std::pair<std::string, std::string>;

/// The helper with `words`, as a Procfile command line (each word single-quoted).
std::string helper_line(std::initializer_list<std::string> words);
/// Writes "name: command" lines to a file "Procfile" in `dir`; returns its path.
std::string write_procfile(const TempDir& dir, const std::vector<ServiceLine>& services);
/// tend's arguments: `options`, then --procfile `path`.
std::vector<std::string> procfile_args(std::initializer_list<std::string> options,
                                       const std::string& path);
/// Lines of `run`'s stdout from service `prefix` ("web    | ") that start with `text` after it.
std::vector<std::string> service_lines(const TendRun& run, const std::string& prefix,
                                       const std::string& text);

}  // namespace tend::e2e
