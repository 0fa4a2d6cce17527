// SPDX-License-Identifier: MIT
// Unit tests of the notify socket, sd_notify message parsing, and the watchdog interval.
#include "service/notify.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace tend {
namespace {

/// A name no other test run on this machine uses: this process's pid and the test's tag.
std::string private_name(const char* tag) {
  return "@tend-unit-test/" + std::to_string(getpid()) + "/" + tag;
}

TEST(NotifySocket, BindsANameOfItsOwn) {
  auto socket = NotifySocket::create();
  ASSERT_TRUE(socket) << std::strerror(errno);
  EXPECT_TRUE(socket->address().starts_with("@tend/notify/" + std::to_string(getpid()) + "/"))
      << socket->address();
  auto other = NotifySocket::create();
  ASSERT_TRUE(other) << std::strerror(errno);
  EXPECT_NE(other->address(), socket->address());
}

// Two tends that are each PID 1 of their own PID namespace can share one network namespace (a
// pod's containers), so an abstract name may be taken already: the next one is tried.
TEST(NotifySocket, TriesTheNextNameWhenOneIsTaken) {
  std::string taken = private_name("taken"), free = private_name("free");
  auto holder = NotifySocket::create([&](int) { return taken; });
  ASSERT_TRUE(holder) << std::strerror(errno);
  std::vector<int> attempts;
  auto socket = NotifySocket::create([&](int attempt) {
    attempts.push_back(attempt);
    return attempt == 0 ? taken : free;
  });
  ASSERT_TRUE(socket) << std::strerror(errno);
  EXPECT_EQ(socket->address(), free);
  EXPECT_EQ(attempts, (std::vector<int>{0, 1}));
}

TEST(NotifySocket, GivesUpWhenEveryNameIsTaken) {
  std::string taken = private_name("always");
  auto holder = NotifySocket::create([&](int) { return taken; });
  ASSERT_TRUE(holder) << std::strerror(errno);
  int attempts = 0;
  auto socket = NotifySocket::create([&](int) {
    ++attempts;
    return taken;
  });
  EXPECT_FALSE(socket);
  EXPECT_EQ(errno, EADDRINUSE);
  EXPECT_GT(attempts, 1);
  EXPECT_LE(attempts, 8);
}

TEST(ParseNotifyMessage, EveryField) {
  NotifyMessage message = parse_notify_message(
      "READY=1\nSTATUS=serving 3 clients\nMAINPID=42\nSTOPPING=1\nWATCHDOG=1\n"
      "WATCHDOG_USEC=2000000\nEXTEND_TIMEOUT_USEC=500\nBARRIER=1\n");
  EXPECT_TRUE(message.ready);
  EXPECT_TRUE(message.stopping);
  EXPECT_TRUE(message.watchdog_ping);
  EXPECT_EQ(message.status, "serving 3 clients");
  EXPECT_EQ(message.main_pid, 42);
  EXPECT_EQ(message.watchdog_usec, 2'000'000u);
  EXPECT_EQ(message.extend_timeout_usec, 500u);
}

TEST(ParseNotifyMessage, IgnoresMalformedAndUnknown) {
  NotifyMessage message = parse_notify_message("READY=0\nMAINPID=abc\nWATCHDOG_USEC=-1\nFOO\n=1");
  EXPECT_FALSE(message.ready);
  EXPECT_EQ(message.main_pid, std::nullopt);
  EXPECT_EQ(message.watchdog_usec, std::nullopt);
  EXPECT_EQ(parse_notify_message("MAINPID=0").main_pid, std::nullopt);
  EXPECT_TRUE(parse_notify_message("READY=1").ready);  // No trailing newline.
}

TEST(ParseNotifyMessage, MainPidOutOfRangeIsIgnored) {
  for (const char* bad :
       {"MAINPID=0", "MAINPID=-1", "MAINPID=-2147483648", "MAINPID=2147483648",
        "MAINPID=99999999999999999999", "MAINPID=+5", "MAINPID= 5", "MAINPID=5 ", "MAINPID="}) {
    EXPECT_EQ(parse_notify_message(bad).main_pid, std::nullopt) << bad;
  }
  EXPECT_EQ(parse_notify_message("MAINPID=2147483647").main_pid, 2147483647);
}

TEST(ParseNotifyMessage, MicrosecondsBeyond64BitsAreIgnored) {
  NotifyMessage message =
      parse_notify_message("WATCHDOG_USEC=18446744073709551616\nEXTEND_TIMEOUT_USEC=1e6");
  EXPECT_EQ(message.watchdog_usec, std::nullopt);
  EXPECT_EQ(message.extend_timeout_usec, std::nullopt);
  message = parse_notify_message(
      "WATCHDOG_USEC=18446744073709551615\nEXTEND_TIMEOUT_USEC=18446744073709551615");
  EXPECT_EQ(message.watchdog_usec, UINT64_MAX);
  EXPECT_EQ(message.extend_timeout_usec, UINT64_MAX);
}

// (usec + 999) / 1000 wraps for the last 999 values: UINT64_MAX would be 0 ms, a deadline of now.
TEST(MillisFromUsec, RoundsUpWithoutWrapping) {
  EXPECT_EQ(millis_from_usec(0), Millis(0));
  EXPECT_EQ(millis_from_usec(1), Millis(1));
  EXPECT_EQ(millis_from_usec(999), Millis(1));
  EXPECT_EQ(millis_from_usec(1000), Millis(1));
  EXPECT_EQ(millis_from_usec(1001), Millis(2));
  EXPECT_EQ(millis_from_usec(UINT64_MAX), Millis(18'446'744'073'709'552));
  EXPECT_EQ(millis_from_usec(UINT64_MAX - 500), Millis(18'446'744'073'709'552));
}

// systemd turns the watchdog off for 0 and for USEC_INFINITY (UINT64_MAX).
TEST(WatchdogInterval, ZeroAndInfinityTurnItOff) {
  EXPECT_EQ(watchdog_interval(0), std::nullopt);
  EXPECT_EQ(watchdog_interval(UINT64_MAX), std::nullopt);
  EXPECT_EQ(watchdog_interval(1), Millis(1));
  EXPECT_EQ(watchdog_interval(2'000'000), Millis(2000));
  EXPECT_EQ(watchdog_interval(UINT64_MAX - 1), Millis(18'446'744'073'709'552));
}

}  // namespace
}  // namespace tend
