// SPDX-License-Identifier: MIT
// How tend reports failures and sends signals: one wording, expected errno values as outcomes.
#include "init/report.h"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "service/printable.h"
#include "sys/interpreter.h"
#include "sys/signal_name.h"

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

bool send_signal(pid_t target, int signo) {
  if (kill(target, signo) == 0) return true;
  if (errno != ESRCH) {
    spdlog::warn("cannot send {} to {}: {}", SignalLabel{signo}, target, std::strerror(errno));
  }
  return false;
}

}  // namespace tend
