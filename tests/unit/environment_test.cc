// SPDX-License-Identifier: MIT
// Unit tests of COMMAND's environment: the supervisor variables tend sets or clears, and the
// LISTEN_FDS count tend takes over from its own environment.
#include "service/environment.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace tend {
namespace {

TEST(CommandEnvironment, ReplacesSupervisorVariables) {
  std::vector<std::string> inherited{"PATH=/bin",    "NOTIFY_SOCKET=/run/systemd/notify",
                                     "LISTEN_PID=1", "LISTEN_FDS=2",
                                     "HOME=/root",   "WATCHDOG_USEC=1"};
  CommandEnvironment settings{"/tmp/x/notify", 2, Millis(3000), std::nullopt};
  auto env = build_command_environment(inherited, settings);
  EXPECT_EQ(env, (std::vector<std::string>{"PATH=/bin", "HOME=/root", "NOTIFY_SOCKET=/tmp/x/notify",
                                           "LISTEN_FDS=2", "LISTEN_PID=", "WATCHDOG_USEC=3000000",
                                           "WATCHDOG_PID="}));
  EXPECT_EQ(command_pid_variables(settings),
            (std::vector<std::string>{"LISTEN_PID", "WATCHDOG_PID"}));
}

TEST(CommandEnvironment, UserHomeReplacesHome) {
  CommandEnvironment settings{"@n", std::nullopt, std::nullopt, std::string("/home/app")};
  auto env = build_command_environment({"HOME=/root", "A=b"}, settings);
  EXPECT_EQ(env, (std::vector<std::string>{"A=b", "NOTIFY_SOCKET=@n", "HOME=/home/app"}));
  EXPECT_TRUE(command_pid_variables(settings).empty());
}

TEST(ListenFds, CountForThisProcess) {
  std::string problem;
  EXPECT_EQ(listen_fds_for("42", "2", 42, 1024, problem), 2);
  EXPECT_EQ(listen_fds_for("42", "1021", 42, 1024, problem), 1021);  // fds 3 to 1023.
  EXPECT_EQ(problem, "");
}

TEST(ListenFds, NotThisProcessOrNoneIsQuiet) {
  std::string problem;
  for (auto [pid, fds] : {std::pair<const char*, const char*>{nullptr, "2"},
                          {"42", nullptr},
                          {"43", "2"},
                          {"x", "2"},
                          {"42x", "2"},
                          {"", "2"},
                          {"4294967338", "2"},
                          {"42", "0"}}) {
    EXPECT_EQ(listen_fds_for(pid, fds, 42, 1024, problem), std::nullopt)
        << (pid ? pid : "(unset)") << " " << (fds ? fds : "(unset)");
  }
  EXPECT_EQ(problem, "");
}

// atoi would wrap 99999999999 to 1215752191 descriptors, and COMMAND would be told it has them.
TEST(ListenFds, CountOutOfRangeIsIgnoredWithAWarning) {
  for (const char* fds : {"1022", "99999999999", "-1", "x", "", "2 "}) {
    std::string problem;
    EXPECT_EQ(listen_fds_for("42", fds, 42, 1024, problem), std::nullopt) << fds;
    EXPECT_EQ(problem,
              fmt::format("ignored LISTEN_FDS='{}': expected a count from 1 to 1021", fds));
  }
}

}  // namespace
}  // namespace tend
