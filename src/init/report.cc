// SPDX-License-Identifier: MIT
// How tend reports failures: one wording for errors, and exit 125 for those of setup.
#include "init/report.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "service/printable.h"
#include "sys/interpreter.h"

namespace tend {

void report_error(std::string_view what) { fmt::print(stderr, "tend: {}\n", what); }

TendExit system_failure(std::string_view what) {
  report_error(fmt::format("{}: {}", what, std::strerror(errno)));
  return {kExitTendFailure, 0};
}

TendExit usage_failure(std::string_view what) {
  report_error(fmt::format("{}\nRun 'tend --help' for usage.", what));
  return {kExitTendFailure, 0};
}

std::string describe_exec_error(const std::string& command, int error) {
  if (error == ENOENT) {
    // The kernel reads the "#!" line up to a newline: a script saved with CRLF line ends names
    // "/bin/sh\r", which Printable shows as /bin/sh\x0d.
    if (std::optional<std::string> interpreter = missing_interpreter(command)) {
      return fmt::format("interpreter '{}' not found", Printable{*interpreter});
    }
  }
  return std::strerror(error);
}

}  // namespace tend
