// SPDX-License-Identifier: MIT
// tend's entry point: a list of steps from what tend inherited to how it ends.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/options.h"
#include "init/init.h"
#include "procfile/procfile_init.h"
#include "sys/signals.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

namespace {

/// Log lines go to stderr as "tend: info: ...", silent below warnings unless -v or -vv.
void set_up_logging(int verbosity) {
  auto logger = spdlog::stderr_logger_st("tend");
  logger->set_pattern("tend: %l: %v");
  logger->set_level(verbosity >= 2   ? spdlog::level::debug
                    : verbosity == 1 ? spdlog::level::info
                                     : spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

/// Ends tend with `code` once stdio is flushed, skipping static destructors (CLI11's validators,
/// the iostream objects, spdlog's registry): they would only free memory that the kernel takes
/// back anyway. In a sanitizer build the leak check that exit would run comes first.
[[noreturn]] void end_with(int code) {
#if defined(__SANITIZE_ADDRESS__)
  __lsan_do_leak_check();
#endif
  std::fflush(nullptr);
  _exit(code);
}

}  // namespace

// libstdc++'s default terminate handler demangles the exception's type name, which links the
// whole C++ demangler into the static binary. tend catches what it expects; anything
// else aborts without the pretty name.
namespace __gnu_cxx {
void __verbose_terminate_handler() { std::abort(); }
}  // namespace __gnu_cxx

// An exception tend does not expect ends it through std::terminate, by design (see above).
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  // Captured before tend changes anything: COMMAND gets exactly this.
  const tend::Inheritance inherited = tend::Inheritance::capture();
  tend::ParseOutcome parsed = tend::parse_options(argc, argv);
  for (const std::string& warning : parsed.warnings) {
    std::fprintf(stderr, "tend: warning: %s\n", warning.c_str());
  }
  if (!parsed.options) {
    std::fputs(parsed.message.c_str(), parsed.exit_code == 0 ? stdout : stderr);
    return parsed.exit_code;
  }
  set_up_logging(parsed.options->verbosity);
  tend::TendExit exit;
  if (!parsed.options->procfile.empty()) {
    tend::ProcfileInit init(*parsed.options, inherited);
    exit = init.run();
  } else {
    tend::Init init(*parsed.options, inherited);
    exit = init.run();
  }
  spdlog::shutdown();
  if (exit.signal != 0) tend::die_by_signal(exit.signal);
  end_with(exit.code);
}
