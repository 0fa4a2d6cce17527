// SPDX-License-Identifier: MIT
// sd_notify: COMMAND gets a NOTIFY_SOCKET that tend owns; tend accepts messages from its
// subtree only, closes passed fds at once, follows MAINPID and EXTEND_TIMEOUT_USEC, and passes
// READY=1, STATUS= and STOPPING=1 up to its own NOTIFY_SOCKET.
#include <signal.h>
#include <unistd.h>

#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "sup_util.h"

namespace tend::e2e {
namespace {

/// Long enough to show that something does not happen.
constexpr Duration kQuietPeriod = 500ms;

class NotifyTest : public testing::TestWithParam<Mode> {};

std::string notify_socket_of(TendRun& run) {
  const std::string prefix = "env NOTIFY_SOCKET";
  std::string line = run.wait_for_line(prefix);
  if (!line.starts_with(prefix + "=")) ADD_FAILURE() << "COMMAND has no NOTIFY_SOCKET: " << line;
  return line.substr(std::min(line.size(), prefix.size() + 1));
}

TEST_P(NotifyTest, CommandGetsASocketThatIsRemovedWhenTendExits) {
  TendRun run(GetParam(), {.args = helper({"env", "NOTIFY_SOCKET", "read-line", "exit", "0"}),
                           .stdin_pipe = true});
  std::string address = notify_socket_of(run);
  ASSERT_TRUE(address.starts_with("/") || address.starts_with("@")) << address;
  EXPECT_TRUE(notify_socket_exists(address)) << address;
  run.close_stdin();
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
  EXPECT_FALSE(notify_socket_exists(address)) << address << " is still there after tend exited";
}

/// A message that makes COMMAND ready: what the helper does before it waits in
/// `signals-until TERM`, and the line it prints once the message is sent.
struct ReadyMessage {
  const char* name;
  std::vector<std::string> words;
  const char* sent_line = "notified";
  std::optional<rlim_t> sigpending_limit = std::nullopt;
};

/// gtest prints a parameter in ctest's listing: by name, not by its bytes (pointers that
/// differ from one run to the next).
void PrintTo(const ReadyMessage& message, std::ostream* out) { *out << message.name; }

const ReadyMessage kReadyMessages[] = {
    {"FromTheCommand", {"notify", "READY=1", "stamp", "notified"}},
    // Several assignments in one datagram, as sd_notify sends them.
    {"AmongOtherAssignmentsInOneMessage",
     {"notify", "STATUS=starting up\nREADY=1\nMAINPID={pid}\n", "stamp", "notified"}},
    // Readiness of the notify socket reaches tend as a queued real-time signal. With a signal
    // queue of one entry the kernel soon falls back to a plain SIGIO; either way, and while the
    // socket stays readable from one wake-up to the next, tend reads every message: READY=1
    // comes last.
    {"AfterAFloodOfMessages",
     {"notify-burst", "3000", "STATUS=busy", "notify", "READY=1", "stamp", "notified"},
     "notified",
     1},
    {"WithExplicitCredentials", {"notify-creds", "READY=1", "stamp", "notified"}},
    // Not only COMMAND: any process of tend's subtree may speak for it.
    {"FromADescendant",
     {"child", "tag", "G", "notify", "READY=1", "ready", "sleep", ";;"},
     "G ready"},
};

using ModeAndMessage = std::tuple<Mode, ReadyMessage>;

class ReadyMessageTest : public testing::TestWithParam<ModeAndMessage> {};

TEST_P(ReadyMessageTest, MarksCommandReady) {
  auto [mode, message] = GetParam();
  TempDir dir;
  std::string ready_file = dir.path() + "/ready";
  Launch launch{.args = {"--ready-file", ready_file, kHelper},
                .sigpending_limit = message.sigpending_limit};
  launch.args.insert(launch.args.end(), message.words.begin(), message.words.end());
  launch.args.insert(launch.args.end(), {"signals-until", "TERM", "exit", "0"});
  TendRun run(mode, launch);
  run.wait_for_line(message.sent_line);
  expect_ready_then_clean_stop(run, ready_file);
}

std::string ready_message_name(const testing::TestParamInfo<ModeAndMessage>& param_info) {
  return std::string(std::get<1>(param_info.param).name) + mode_name(std::get<0>(param_info.param));
}

INSTANTIATE_TEST_SUITE_P(Cases, ReadyMessageTest,
                         testing::Combine(testing::ValuesIn(kAllModes),
                                          testing::ValuesIn(kReadyMessages)),
                         ready_message_name);

// The test process is outside tend's subtree: its READY=1 counts for nothing. COMMAND's own,
// to the same address, then shows the address was right.
TEST_P(NotifyTest, IgnoresMessagesFromOutsideTheSubtree) {
  TempDir dir;
  std::string ready_file = dir.path() + "/ready";
  TendRun run(GetParam(), {.args = options_then_helper(
                               {"--ready-file", ready_file},
                               {"env", "NOTIFY_SOCKET", "read-line", "notify", "READY=1", "stamp",
                                "notified", "signals-until", "TERM", "exit", "0"}),
                           .stdin_pipe = true});
  std::string address = notify_socket_of(run);
  ASSERT_TRUE(send_datagram(address, "READY=1")) << "cannot send to " << address;
  Clock::time_point quiet_until = Clock::now() + kQuietPeriod;
  run.wait_until([&] { return file_exists(ready_file) || Clock::now() >= quiet_until; },
                 "the quiet period");
  EXPECT_FALSE(file_exists(ready_file)) << "READY=1 from outside tend's subtree was believed";
  run.write_stdin("\n");
  run.wait_for_line("notified");
  expect_ready_then_clean_stop(run, ready_file);
}

// What systemd-notify's barrier relies on: the fd sent along is closed as soon as it arrives.
TEST_P(NotifyTest, ClosesPassedFileDescriptorsAtOnce) {
  TempDir dir;
  std::string ready_file = dir.path() + "/ready";
  TendRun run(GetParam(),
              {.args = options_then_helper({"--ready-file", ready_file},
                                           {"notify-fd", "READY=1", "notify-fd", "BARRIER=1",
                                            "signals-until", "TERM", "exit", "0"})});
  std::string first = run.wait_for_line("fd ");
  std::string second = run.wait_for_line("fd ");
  EXPECT_TRUE(first.starts_with("fd closed")) << first;
  EXPECT_TRUE(second.starts_with("fd closed")) << second;
  expect_ready_then_clean_stop(run, ready_file);
}

TEST_P(NotifyTest, SystemdNotifyReadyWorks) {
  TempDir dir;
  std::string ready_file = dir.path() + "/ready";
  TendRun run(GetParam(), {.args = {"--ready-file", ready_file, "sh", "-c",
                                    "systemd-notify --ready && echo notified-ok; exec " + kHelper +
                                        " signals-until TERM exit 0"}});
  run.wait_for_line("notified-ok");
  expect_ready_then_clean_stop(run, ready_file);
}

// COMMAND hands the main role to its child with MAINPID and exits 0: tend stays, and ends with
// the new main process's status.
TEST_P(NotifyTest, MainPidMakesAnotherProcessTheMainProcess) {
  TendRun run(GetParam(),
              {.args = helper({"child", "tag", "M", "signals-until", "TERM", "exit", "5", ";;",
                               "notify-fd", "MAINPID={child}", "exit", "0"})});
  run.wait_for_line("M signals ready");
  run.wait_for_line("exit 0");
  EXPECT_FALSE(run.wait_exit_within(kQuietPeriod)) << "tend ended with the old main process";
  EXPECT_EQ(stop_through(run, "M"), exit_with(5));
}

// MAINPID naming a process that is not tend's is ignored: COMMAND stays the main process.
TEST_P(NotifyTest, MainPidOutsideTheSubtreeIsIgnored) {
  Stranger bystander({});
  TendRun run(
      GetParam(),
      {.args = helper({"notify-fd", "MAINPID=" + std::to_string(bystander.pid()), "exit", "3"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(3));
  EXPECT_TRUE(bystander.is_untouched()) << "tend signalled a process it does not own";
}

TEST_P(NotifyTest, ExtendTimeoutUsecExtendsTheReadyTimeout) {
  TempDir dir;
  std::string ready_file = dir.path() + "/ready";
  TendRun run(GetParam(),
              {.args = options_then_helper(
                   {"--ready-timeout", "1s", "--ready-file", ready_file},
                   {"notify-fd", "EXTEND_TIMEOUT_USEC=5000000", "sleep-ms", "1500", "notify",
                    "READY=1", "stamp", "notified", "signals-until", "TERM", "exit", "0"})});
  run.wait_for_line("notified");
  run.wait_until([&] { return file_exists(ready_file); }, "the ready file");
  EXPECT_FALSE(run.wait_exit_within(kQuietPeriod)) << run.transcript();
  EXPECT_FALSE(has_line(run.lines(), signal_line(SIGTERM))) << "stopped despite the extension";
  run.wait_for_line("signals ready");
  EXPECT_EQ(run.stop(), exit_with(0));
}

// Readiness is passed on, never invented: a COMMAND that never says READY=1 is never reported
// ready upward, even when tend itself does not wait for readiness.
TEST_P(NotifyTest, NoUpwardReadyWhileCommandSaysNothing) {
  TempDir dir;
  UpwardSocket upward(dir.path() + "/upward.sock");
  TendRun run(GetParam(),
              {.args = helper({"env", "NOTIFY_SOCKET", "signals-until", "TERM", "exit", "0"}),
               .env = {upward.env()}});
  EXPECT_NE(notify_socket_of(run), upward.path()) << "COMMAND got tend's own NOTIFY_SOCKET";
  run.wait_for_line("signals ready");
  EXPECT_FALSE(upward.wait_for(run, "READY=1", kQuietPeriod))
      << "READY=1 went up for a COMMAND that never said it; " << upward.describe();
  EXPECT_EQ(run.stop(), exit_with(0));
}

/// COMMAND gets ready (by `get_ready`) only once the test writes a line to it: READY=1 goes up
/// then and not before. `options` are tend's, with "{dir}" standing for a fresh directory.
void expect_upward_ready_only_once_ready(Mode mode, std::vector<std::string> options,
                                         const std::vector<std::string>& get_ready) {
  TempDir dir;
  UpwardSocket upward(dir.path() + "/upward.sock");
  for (std::string& option : options) {
    if (option.starts_with("{dir}")) option.replace(0, 5, dir.path());
  }
  std::vector<std::string> args = options;
  args.insert(args.end(), {kHelper, "stamp", "started", "read-line"});
  args.insert(args.end(), get_ready.begin(), get_ready.end());
  args.insert(args.end(), {"stamp", "notified", "signals-until", "TERM", "exit", "0"});
  TendRun run(mode, {.args = args, .env = {upward.env()}, .stdin_pipe = true});
  run.wait_for_line("started");
  EXPECT_FALSE(upward.wait_for(run, "READY=1", kQuietPeriod))
      << "READY=1 went up before COMMAND was ready; " << upward.describe();
  run.write_stdin("\n");
  run.wait_for_line("notified");
  EXPECT_TRUE(upward.wait_for(run, "READY=1", kEventTimeout)) << upward.describe();
  run.wait_for_line("signals ready");
  EXPECT_EQ(run.stop(), exit_with(0));
}

TEST_P(NotifyTest, UpwardReadyOnlyOnceCommandIsReady) {
  expect_upward_ready_only_once_ready(GetParam(), {"--ready-file", "{dir}/ready"},
                                      {"notify", "READY=1"});
}

// With or without --ready-timeout, --ready-fd or --watchdog, READY=1 goes up only once COMMAND
// is ready.
TEST_P(NotifyTest, UpwardReadyWaitsForCommandWithAnyReadinessOption) {
  struct Case {
    std::vector<std::string> options;
    std::vector<std::string> get_ready;
  };
  const Case cases[] = {
      {{"-v"}, {"notify", "READY=1"}},  // No readiness option: READY=1 still waits for COMMAND.
      {{"--ready-timeout", "10s"}, {"notify", "READY=1"}},
      {{"--ready-fd", "5"}, {"write-fd", "5", "\n"}},
      {{"--watchdog", "10s"}, {"notify", "READY=1"}},
  };
  for (const Case& each : cases) {
    SCOPED_TRACE(each.options[0]);
    expect_upward_ready_only_once_ready(GetParam(), each.options, each.get_ready);
  }
}

TEST_P(NotifyTest, UpwardStatusIsPassedUp) {
  TempDir dir;
  UpwardSocket upward(dir.path() + "/upward.sock");
  TendRun run(GetParam(), {.args = helper({"notify", "STATUS=serving 3 clients", "stamp",
                                           "notified", "signals-until", "TERM", "exit", "0"}),
                           .env = {upward.env()}});
  run.wait_for_line("notified");
  EXPECT_TRUE(upward.wait_for(run, "STATUS=serving 3 clients", kEventTimeout)) << upward.describe();
  run.wait_for_line("signals ready");
  EXPECT_EQ(run.stop(), exit_with(0));
}

TEST_P(NotifyTest, UpwardStoppingWhenStopping) {
  TempDir dir;
  UpwardSocket upward(dir.path() + "/upward.sock");
  TendRun run(GetParam(),
              {.args = helper({"notify", "READY=1", "signals-until", "TERM", "exit", "0"}),
               .env = {upward.env()}});
  run.wait_for_line("signals ready");
  ASSERT_TRUE(upward.wait_for(run, "READY=1", kEventTimeout)) << upward.describe();
  EXPECT_FALSE(upward.has("STOPPING=1")) << upward.describe();
  EXPECT_EQ(run.stop(), exit_with(0));
  EXPECT_TRUE(upward.wait_for(run, "STOPPING=1", 2s)) << upward.describe();
}

INSTANTIATE_TEST_SUITE_P(Modes, NotifyTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
