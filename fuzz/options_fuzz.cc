// SPDX-License-Identifier: MIT
// Fuzzes parse_options on a whole command line: the input's NUL-separated words follow "tend".
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "check.h"
#include "cli/options.h"

namespace {

/// TEND_* variables of the environment the fuzzer was started in would change every result.
void clear_tend_variables() {
  std::vector<std::string> names;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    std::string_view assignment = *variable;
    if (assignment.starts_with("TEND_"))
      names.emplace_back(assignment.substr(0, assignment.find('=')));
  }
  for (const auto& name : names) unsetenv(name.c_str());
}

void check_options(const tend::Options& options, const std::vector<std::string>& words) {
  FUZZ_CHECK(!options.command.empty() && options.command.size() <= words.size());
  // COMMAND is the end of the command line, word for word.
  FUZZ_CHECK(std::equal(options.command.rbegin(), options.command.rend(), words.rbegin()));
  for (tend::Millis duration :
       {options.grace, options.restart_delay, options.restart_delay_max, options.restart_reset,
        options.pidfile_timeout, options.stop_delay}) {
    FUZZ_CHECK(duration.count() >= 0);
  }
  FUZZ_CHECK(!options.ready_timeout || options.ready_timeout->count() >= 0);
  FUZZ_CHECK(!options.watchdog || options.watchdog->count() > 0);
  FUZZ_CHECK(!options.ready_fd || *options.ready_fd > 2);
  FUZZ_CHECK(!options.pdeathsig ||
             (*options.pdeathsig >= 1 && *options.pdeathsig <= tend::kMaxSignal));
  for (int code : options.success_exits) FUZZ_CHECK(code >= 0 && code <= 255);
  FUZZ_CHECK(!options.restart.max_restarts || *options.restart.max_restarts >= 0);
  for (int signo = 0; signo <= tend::kMaxSignal; ++signo) {
    int to = options.rewrites.apply(signo);
    FUZZ_CHECK(to >= 0 && to <= tend::kMaxSignal);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  clear_tend_variables();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> words;
  if (size > 0) {
    for (std::string_view word : tend::fuzz::split_at_nul(tend::fuzz::as_text(data, size))) {
      words.emplace_back(word);
    }
  }
  std::vector<const char*> argv{"tend"};
  for (const auto& word : words) argv.push_back(word.c_str());
  argv.push_back(nullptr);
  tend::ParseOutcome outcome = tend::parse_options(static_cast<int>(argv.size() - 1), argv.data());
  if (outcome.options) {
    FUZZ_CHECK(outcome.exit_code == 0);
    check_options(*outcome.options, words);
    return 0;
  }
  FUZZ_CHECK(outcome.exit_code == 0 || outcome.exit_code == 125);
  FUZZ_CHECK(!outcome.message.empty());
  if (outcome.exit_code != 0) FUZZ_CHECK(outcome.message.starts_with("tend: "));
  return 0;
}
