// SPDX-License-Identifier: MIT
// Socket activation: started with LISTEN_FDS=n and LISTEN_PID naming tend, tend hands
// fds 3..3+n-1 on to COMMAND with LISTEN_PID set to COMMAND's own pid, on every run.
#include <gtest/gtest.h>

#include "sup_util.h"

namespace tend::e2e {
namespace {

class SocketActivationTest : public testing::TestWithParam<Mode> {};

/// A shell that sets LISTEN_FDS and LISTEN_PID to its own pid, then becomes tend (exec keeps
/// the pid), the way a service manager starts a socket-activated service.
Launch activated(const std::string& tend_args, int fd_count,
                 std::vector<std::pair<int, std::string>> files) {
  std::string script =
      "LISTEN_FDS=" + std::to_string(fd_count) + " LISTEN_PID=$$ exec " + kTend + " " + tend_args;
  return {.args = {"-c", script}, .files = std::move(files), .program = "/bin/sh"};
}

TEST_P(SocketActivationTest, CommandGetsTheFdsWithItsOwnPid) {
  TempDir dir;
  std::string first = dir.file("first", "1");
  std::string second = dir.file("second", "2");
  TendRun run(GetParam(),
              activated("-- " + kHelper + " listen fds exit 0", 2, {{3, first}, {4, second}}));
  std::string listen = run.wait_for_line("listen ");
  EXPECT_EQ(field_of(listen, "fds"), "2") << listen;
  EXPECT_EQ(field_of(listen, "pid"), field_of(listen, "self")) << listen;
  EXPECT_EQ(run.wait_for_line("fds "), "fds 0,1,2,3,4");
  EXPECT_EQ(run.wait_for_line("fd 3 "), "fd 3 " + first);
  EXPECT_EQ(run.wait_for_line("fd 4 "), "fd 4 " + second);
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
}

TEST_P(SocketActivationTest, EveryRestartGetsTheFdsWithItsOwnPid) {
  TempDir dir;
  std::string socket_file = dir.file("socket", "s");
  TendRun run(GetParam(), activated("--restart on-failure:2 --restart-delay 50ms -- " + kHelper +
                                        " listen fds exit 3",
                                    1, {{3, socket_file}}));
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(3));
  std::vector<std::string> listens = lines_starting(run.lines(), "listen ");
  std::vector<std::string> fd3 = lines_starting(run.lines(), "fd 3 ");
  ASSERT_EQ(listens.size(), 3u) << run.transcript();
  ASSERT_EQ(fd3.size(), 3u) << run.transcript();
  for (size_t i = 0; i < listens.size(); ++i) {
    EXPECT_EQ(field_of(listens[i], "fds"), "1") << listens[i];
    EXPECT_EQ(field_of(listens[i], "pid"), field_of(listens[i], "self")) << listens[i];
    EXPECT_EQ(fd3[i], "fd 3 " + socket_file);
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, SocketActivationTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
