// SPDX-License-Identifier: MIT
// Faults: a stop always ends within the grace period plus a small margin, whatever /proc looks
// like — here an empty tmpfs mounted over it, as in a container that forgot to mount it.
#include <gtest/gtest.h>
#include <signal.h>

#include "hostile_util.h"
#include "sup_util.h"

namespace tend::e2e {
namespace {

using namespace std::chrono_literals;

/// tend in a mount namespace of its own whose /proc is an empty tmpfs.
Launch with_empty_proc(const std::vector<std::string>& tend_args) {
  Launch launch{.program = "/usr/bin/unshare"};
  launch.args = {"--mount", "--propagation",
                 "private", "/bin/sh",
                 "-c",      "mount -t tmpfs none /proc && exec \"$0\" \"$@\"",
                 kTend};
  launch.args.insert(launch.args.end(), tend_args.begin(), tend_args.end());
  return launch;
}

// COMMAND leaves a process behind in a session of its own that ignores SIGTERM. Without /proc
// tend cannot see it, so it waited for it forever, even after SIGTERM.
TEST(FaultsTest, WithoutAUsableProcAStopEndsAfterGracePlusAMargin) {
  SKIP_FOR_SANITIZED_TEND("LeakSanitizer cannot run without /proc");
  std::vector<std::string> args = {"--grace", "500ms", kHelper, "child", "setsid", "ignore",
                                   "TERM",    "ready", "sleep", ";;",    "exit",   "0"};
  TendRun run(Mode::kSubreaper, with_empty_proc(args));
  pid_t leftover = std::stoi(field_of(run.wait_for_line("child pid="), "pid"));
  std::optional<int> status = run.wait_exit_within(5s);
  kill(leftover, SIGKILL);  // Ours: the helper printed it; it escaped tend's process group.
  ASSERT_TRUE(status.has_value()) << "tend still waits for what it cannot see; "
                                  << run.transcript();
  EXPECT_EQ(describe_status(*status), exit_with(0)) << run.transcript();
}

}  // namespace
}  // namespace tend::e2e
