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

constexpr pid_t kOwnGroup = 7;
constexpr pid_t kShellGroup = 3;

TEST(ShouldStopWithCommand, UnderAShellButNotAsSessionLeader) {
  EXPECT_TRUE(should_stop_with_command(false));
  EXPECT_FALSE(should_stop_with_command(true));
}

TEST(ShouldGiveCommandTheTerminal, WhenTheJobIsInTheForeground) {
  EXPECT_TRUE(should_give_command_the_terminal(kOwnGroup, kOwnGroup, kCommandGroup));  // fg
  EXPECT_TRUE(should_give_command_the_terminal(kCommandGroup, kOwnGroup, kCommandGroup));
  EXPECT_TRUE(should_give_command_the_terminal(kOwnGroup, kOwnGroup, kOwnGroup));  // -c
}

TEST(ShouldGiveCommandTheTerminal, NotWhenAnotherJobHasIt) {
  EXPECT_FALSE(should_give_command_the_terminal(kShellGroup, kOwnGroup, kCommandGroup));  // bg
  EXPECT_FALSE(should_give_command_the_terminal(-1, kOwnGroup, kCommandGroup));           // hung up
}

TEST(ShouldPassTerminalOn, WhenTheShellGaveItBackToTendsGroup) {
  EXPECT_TRUE(should_pass_terminal_on(kOwnGroup, kOwnGroup, kCommandGroup));
}

TEST(ShouldPassTerminalOn, NotWhenTendIsInTheBackgroundOrCommandHasIt) {
  EXPECT_FALSE(should_pass_terminal_on(kShellGroup, kOwnGroup, kCommandGroup));  // `bg`
  EXPECT_FALSE(should_pass_terminal_on(kCommandGroup, kOwnGroup, kCommandGroup));
}

TEST(ShouldPassTerminalOn, NotWhenCommandSharesTendsGroupOrNeverStarted) {
  EXPECT_FALSE(should_pass_terminal_on(kOwnGroup, kOwnGroup, kOwnGroup));  // -c
  EXPECT_FALSE(should_pass_terminal_on(kOwnGroup, kOwnGroup, -1));
}

TEST(ShouldTakeBackTerminal, WhenCommandsOwnGroupHoldsIt) {
  EXPECT_TRUE(should_take_back_terminal(kCommandGroup, kOwnGroup, kCommandGroup));
}

TEST(ShouldTakeBackTerminal, NotWhenSomeoneElseHoldsIt) {
  EXPECT_FALSE(should_take_back_terminal(kOwnGroup, kOwnGroup, kCommandGroup));
  EXPECT_FALSE(should_take_back_terminal(kShellGroup, kOwnGroup, kCommandGroup));
}

TEST(ShouldTakeBackTerminal, NotWhenCommandSharesTendsGroupOrNeverStarted) {
  EXPECT_FALSE(should_take_back_terminal(kOwnGroup, kOwnGroup, kOwnGroup));  // -c
  EXPECT_FALSE(should_take_back_terminal(-1, kOwnGroup, -1));                // Hung up, no COMMAND.
  EXPECT_FALSE(should_take_back_terminal(0, kOwnGroup, 0));
}

}  // namespace
}  // namespace tend
