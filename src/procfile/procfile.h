// SPDX-License-Identifier: MIT
// Procfile: the services of `tend --procfile`, one "name: command line" per line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tend {

/// One service line of a Procfile.
struct ProcfileEntry {
  std::string name;
  std::string command;  ///< The command line, not yet split into words.
  int line = 0;         ///< 1-based, for messages.
};

/// What is wrong with a Procfile, and where (line 0: the file as a whole).
struct ProcfileError {
  int line = 0;
  std::string message;
};

struct ParsedProcfile {
  std::vector<ProcfileEntry> entries;
  std::optional<ProcfileError> error;
};

/// Whether `name` is a valid service name: letters, digits, '-' and '_', at least one.
bool is_service_name(std::string_view name);

/// Parses a Procfile's text: blank lines and lines starting with '#' are skipped; every other
/// line is "name: command" with a unique name and a non-empty command.
ParsedProcfile parse_procfile(std::string_view text);

}  // namespace tend
