// SPDX-License-Identifier: MIT
// Unit tests of where a received signal goes.
#include "init/signal_router.h"

#include <gtest/gtest.h>

#include <csignal>

namespace tend {
namespace {

TEST(RouteSignal, ForwardsAsReceivedByDefault) {
  SignalRewrites none;
  for (int signo : {SIGHUP, SIGUSR1, SIGWINCH, SIGSEGV, SIGTSTP, SIGRTMIN}) {
    SignalAction action = route_signal(signo, none);
    EXPECT_EQ(action.forward, signo);
    EXPECT_FALSE(action.begins_stop);
  }
}

TEST(RouteSignal, StopSignalsBeginAStop) {
  SignalRewrites none;
  for (int signo : {SIGTERM, SIGINT, SIGQUIT}) EXPECT_TRUE(route_signal(signo, none).begins_stop);
}

TEST(RouteSignal, NeverForwardsSigchld) { EXPECT_EQ(route_signal(SIGCHLD, {}).forward, 0); }

TEST(RouteSignal, RewriteChangesWhatIsSentNotWhetherItStops) {
  SignalRewrites rewrites;
  rewrites.set(SIGTERM, SIGQUIT);
  SignalAction action = route_signal(SIGTERM, rewrites);
  EXPECT_EQ(action.forward, SIGQUIT);
  EXPECT_TRUE(action.begins_stop);
  rewrites.set(SIGUSR1, SIGTERM);
  EXPECT_FALSE(route_signal(SIGUSR1, rewrites).begins_stop);
}

TEST(RouteSignal, RewriteToZeroDrops) {
  SignalRewrites rewrites;
  rewrites.set(SIGTERM, 0);
  SignalAction action = route_signal(SIGTERM, rewrites);
  EXPECT_EQ(action.forward, 0);
  EXPECT_FALSE(action.begins_stop);
}

}  // namespace
}  // namespace tend
