// SPDX-License-Identifier: MIT
// Unit tests of the terminal decisions that need no terminal.
#include "terminal/terminal.h"

#include <gtest/gtest.h>

#include <csignal>

namespace tend {
namespace {

constexpr pid_t kCommandGroup = 42;

TEST(ReachedCommandDirectly, KeysAndResizeFromTheKernelWhileCommandIsForeground) {
  for (int signo : {SIGINT, SIGQUIT, SIGTSTP, SIGWINCH, SIGHUP}) {
    EXPECT_TRUE(reached_command_directly(signo, true, kCommandGroup, kCommandGroup)) << signo;
  }
}

TEST(ReachedCommandDirectly, NotWhenSentByAProcess) {
  EXPECT_FALSE(reached_command_directly(SIGINT, false, kCommandGroup, kCommandGroup));
  EXPECT_FALSE(reached_command_directly(SIGWINCH, false, kCommandGroup, kCommandGroup));
}

TEST(ReachedCommandDirectly, NotWhenAnotherGroupIsForeground) {
  EXPECT_FALSE(reached_command_directly(SIGINT, true, 7, kCommandGroup));
  EXPECT_FALSE(reached_command_directly(SIGHUP, true, -1, kCommandGroup));  // hung up
}

TEST(ReachedCommandDirectly, NotForSignalsTheTerminalDoesNotSend) {
  EXPECT_FALSE(reached_command_directly(SIGTERM, true, kCommandGroup, kCommandGroup));
  EXPECT_FALSE(reached_command_directly(SIGUSR1, true, kCommandGroup, kCommandGroup));
}

}  // namespace
}  // namespace tend
