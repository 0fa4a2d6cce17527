// SPDX-License-Identifier: MIT
// Supervisor options: each is in --help, and bad input for each is exit 125 with a message that
// points at --help, before COMMAND starts — on the command line and in TEND_* variables alike.
#include <gtest/gtest.h>

#include "sup_util.h"

namespace tend::e2e {
namespace {

struct BadInput {
  std::string name;  ///< Test name suffix.
  std::vector<std::string> options;
  std::vector<std::string> env;
};

void PrintTo(const BadInput& input, std::ostream* out) { *out << input.name; }

struct BadInputName {
  std::string operator()(const testing::TestParamInfo<BadInput>& param_info) const {
    return param_info.param.name;
  }
};

class BadInputTest : public testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, Exits125WithAMessagePointingAtHelp) {
  std::vector<std::string> args = GetParam().options;
  std::vector<std::string> command = helper({"print", "ran"});
  args.insert(args.end(), command.begin(), command.end());
  Outcome outcome = run_to_exit(Mode::kSubreaper, {.args = args, .env = GetParam().env});
  EXPECT_EQ(describe_status(outcome.status), exit_with(125)) << outcome.err;
  EXPECT_NE(outcome.err.find("--help"), std::string::npos) << outcome.err;
  EXPECT_EQ(outcome.out.find("ran"), std::string::npos) << "COMMAND ran anyway";
}

const BadInput kBadInputs[] = {
    {"RestartSometimes", {"--restart", "sometimes"}, {}},
    {"RestartMaxNotANumber", {"--restart", "on-failure:x"}, {}},
    {"RestartMaxNegative", {"--restart", "on-failure:-1"}, {}},
    {"RestartMaxEmpty", {"--restart", "on-failure:"}, {}},
    {"RestartEmpty", {"--restart", ""}, {}},
    {"RestartDelayMalformed", {"--restart-delay", "5x"}, {}},
    {"RestartDelayNegative", {"--restart-delay", "-1s"}, {}},
    {"RestartDelayMaxMalformed", {"--restart-delay-max", "5x"}, {}},
    {"RestartResetMalformed", {"--restart-reset", "5x"}, {}},
    {"PidfileTimeoutMalformed",
     {"--pidfile", "/tmp/tend-sup-never.pid", "--pidfile-timeout", "5x"},
     {}},
    {"PidfileEmpty", {"--pidfile", ""}, {}},
    {"ReadyTimeoutMalformed", {"--ready-timeout", "5x"}, {}},
    {"ReadyFdNegative", {"--ready-fd", "-1"}, {}},
    {"ReadyFdStdin", {"--ready-fd", "0"}, {}},
    {"ReadyFdStdout", {"--ready-fd", "1"}, {}},
    {"ReadyFdStderr", {"--ready-fd", "2"}, {}},
    {"ReadyFdNotANumber", {"--ready-fd", "x"}, {}},
    {"WatchdogMalformed", {"--watchdog", "5x"}, {}},
    {"StopDelayMalformed", {"--stop-delay", "5x"}, {}},
    {"UserUnknown", {"--user", "nosuchuser"}, {}},
    {"GroupUnknown", {"--user", "root:nosuchgroup"}, {}},
    {"EnvRestartSometimes", {}, {"TEND_RESTART=sometimes"}},
    {"EnvRestartDelayMalformed", {}, {"TEND_RESTART_DELAY=5x"}},
    {"EnvReadyFdStdout", {}, {"TEND_READY_FD=1"}},
    {"EnvWatchdogMalformed", {}, {"TEND_WATCHDOG=5x"}},
    {"EnvStopDelayMalformed", {}, {"TEND_STOP_DELAY=5x"}},
    {"EnvUserUnknown", {}, {"TEND_USER=nosuchuser"}},
    // Numbers past their range: a duration beyond 100 years wrapped the clock into the past.
    {"GraceBeyond100Years", {"--grace", "10000000000s"}, {}},
    {"StopDelayBeyond100Years", {"--stop-delay", "876001h"}, {}},
    {"EnvReadyTimeoutBeyond100Years", {}, {"TEND_READY_TIMEOUT=99999999999999999999h"}},
    {"WatchdogInf", {"--watchdog", "inf"}, {}},
    {"RestartDelayInf", {"--restart-delay", "inf"}, {}},
    {"ReadyFdBeyondTheDescriptorLimit", {"--ready-fd", "99999999"}, {}},
    {"ReadyFdBeyondInt", {"--ready-fd", "99999999999"}, {}},
    {"SuccessExitBeyondInt", {"--success-exit", "99999999999"}, {}},
    {"RestartMaxBeyondInt", {"--restart", "on-failure:99999999999"}, {}},
    {"EnvVerboseNegative", {}, {"TEND_VERBOSE=-1"}},
    // Signals tend never gets to act on.
    {"PdeathsigKill", {"-p", "KILL"}, {}},
    {"PdeathsigStop", {"--pdeathsig", "STOP"}, {}},
    {"EnvPdeathsigKill", {}, {"TEND_PDEATHSIG=9"}},
    {"RewriteFromKill", {"-r", "KILL:TERM"}, {}},
    {"RewriteFromStop", {"--rewrite", "STOP:0"}, {}},
    {"EnvRewriteFromKill", {}, {"TEND_REWRITE=TERM:QUIT,KILL:TERM"}},
};

INSTANTIATE_TEST_SUITE_P(Options, BadInputTest, testing::ValuesIn(kBadInputs), BadInputName());

TEST(SupervisorHelpTest, HelpListsEveryNewOption) {
  Outcome outcome = run_to_exit(Mode::kSubreaper, {.args = {"--help"}});
  EXPECT_EQ(describe_status(outcome.status), exit_with(0));
  for (const char* option :
       {"--restart", "--restart-delay", "--restart-delay-max", "--restart-reset", "--pidfile",
        "--pidfile-timeout", "--ready-fd", "--ready-file", "--ready-timeout", "--watchdog",
        "--stop-delay", "--user", "--no-new-privs"}) {
    EXPECT_NE(outcome.out.find(option), std::string::npos) << option << " is not in --help";
  }
  EXPECT_NE(outcome.out.find("-u,"), std::string::npos) << "-u is not in --help";
}

}  // namespace
}  // namespace tend::e2e
