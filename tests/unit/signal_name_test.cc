// SPDX-License-Identifier: MIT
// Unit tests of signal names and numbers.
#include "sys/signal_name.h"

#include <gtest/gtest.h>

#include <csignal>

namespace tend {
namespace {

TEST(ParseSignal, NamesInAnyCaseWithOrWithoutSig) {
  EXPECT_EQ(parse_signal("TERM"), SIGTERM);
  EXPECT_EQ(parse_signal("SIGTERM"), SIGTERM);
  EXPECT_EQ(parse_signal("sigterm"), SIGTERM);
  EXPECT_EQ(parse_signal("Term"), SIGTERM);
  EXPECT_EQ(parse_signal("winch"), SIGWINCH);
  EXPECT_EQ(parse_signal("SIGKILL"), SIGKILL);
}

TEST(ParseSignal, Numbers) {
  EXPECT_EQ(parse_signal("15"), 15);
  EXPECT_EQ(parse_signal("1"), 1);
  EXPECT_EQ(parse_signal(std::to_string(SIGRTMAX)), SIGRTMAX);
}

TEST(ParseSignal, RealTime) {
  EXPECT_EQ(parse_signal("RTMIN"), SIGRTMIN);
  EXPECT_EQ(parse_signal("SIGRTMIN+2"), SIGRTMIN + 2);
  EXPECT_EQ(parse_signal("rtmax-1"), SIGRTMAX - 1);
  EXPECT_EQ(parse_signal("RTMIN+100"), std::nullopt);
  EXPECT_EQ(parse_signal("RTMIN-1"), std::nullopt);
}

// SIGRTMIN + 2147483647 would overflow (undefined behaviour, which the sanitizer build stops at)
// if the sum came before the range check.
TEST(ParseSignal, RealTimeOffsetIsCheckedBeforeTheSum) {
  for (const char* bad : {"RTMIN+2147483647", "SIGRTMAX--2147483648", "RTMIN+-0", "RTMAX--1"}) {
    EXPECT_EQ(parse_signal(bad), std::nullopt) << "'" << bad << "'";
  }
}

TEST(ParseSignal, RejectsUnknownAndOutOfRange) {
  for (const char* bad : {"", "FOO", "SIG", "0", "-1", "65", "99", "15x", "TERM "}) {
    EXPECT_EQ(parse_signal(bad), std::nullopt) << "'" << bad << "'";
  }
}

TEST(SignalName, NamesKnownSignals) {
  EXPECT_EQ(signal_name(SIGTERM), "SIGTERM");
  EXPECT_EQ(signal_name(SIGABRT), "SIGABRT");
  EXPECT_EQ(signal_name(SIGRTMIN + 3), "SIGRTMIN+3");
  EXPECT_EQ(signal_name(SIGRTMAX), "SIGRTMAX");
  EXPECT_EQ(signal_name(99), "signal 99");
}

TEST(SignalName, RoundTripsEverySignal) {
  for (int signo = 1; signo <= SIGRTMAX; ++signo) {
    if (signo == 32 || signo == 33) continue;  // glibc's own, below SIGRTMIN: no name.
    EXPECT_EQ(parse_signal(signal_name(signo)), signo) << signo;
  }
}

}  // namespace
}  // namespace tend
