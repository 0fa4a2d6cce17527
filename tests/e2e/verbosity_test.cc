// SPDX-License-Identifier: MIT
// Verbosity: quiet by default, -v and -vv log recognisable lines to stderr.
#include <signal.h>

#include <sstream>

#include <gtest/gtest.h>

#include "tend_run.h"

namespace tend::e2e {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// Runs COMMAND through a forwarded signal and some orphans to its end; returns tend's stderr.
std::string stderr_of_a_normal_run(Mode mode, std::initializer_list<std::string> options,
                                   std::vector<std::string> env = {}) {
  TendRun run(mode, {.args = options_then_helper(
                         options, {"orphans", "3", "signals-until", "USR1", "exit", "0"}),
                     .env = std::move(env)});
  run.wait_for_line("signals ready");
  EXPECT_EQ(run.stop(SIGUSR1), exit_with(0)) << run.transcript();
  return run.stderr_text();
}

class VerbosityTest : public testing::TestWithParam<Mode> {};

TEST_P(VerbosityTest, QuietByDefault) { EXPECT_EQ(stderr_of_a_normal_run(GetParam(), {}), ""); }

TEST_P(VerbosityTest, VerboseLogsInfoLinesRecognisablyTends) {
  std::string err = stderr_of_a_normal_run(GetParam(), {"-v"});
  std::vector<std::string> lines = lines_of(err);
  EXPECT_FALSE(lines.empty());
  for (const auto& line : lines) EXPECT_TRUE(line.starts_with("tend")) << line;
  EXPECT_NE(err.find("USR1"), std::string::npos) << "the forwarded signal is logged:\n" << err;
}

TEST_P(VerbosityTest, VeryVerboseAlsoLogsReaps) {
  std::vector<std::string> info = lines_of(stderr_of_a_normal_run(GetParam(), {"-v"}));
  std::vector<std::string> debug = lines_of(stderr_of_a_normal_run(GetParam(), {"-vv"}));
  // Three orphans and the orphan maker were reaped; each reap is a debug line.
  EXPECT_GE(debug.size(), info.size() + 3);
  for (const auto& line : debug) EXPECT_TRUE(line.starts_with("tend")) << line;
}

TEST_P(VerbosityTest, VerboseFromEnvironment) {
  std::string err = stderr_of_a_normal_run(GetParam(), {}, {"TEND_VERBOSE=1"});
  EXPECT_FALSE(err.empty());
  EXPECT_TRUE(err.starts_with("tend")) << err;
}

INSTANTIATE_TEST_SUITE_P(Modes, VerbosityTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
