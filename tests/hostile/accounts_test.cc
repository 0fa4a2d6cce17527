// SPDX-License-Identifier: MIT
// The image's /etc/passwd is not trusted: a FIFO or a device at its path cannot block tend or
// feed it forever; `--user` then fails with a clear error (exit 125) before COMMAND starts.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "sup_util.h"

namespace tend::e2e {
namespace {

using namespace std::chrono_literals;

/// tend in a mount namespace of its own whose /etc/passwd is `replacement` (bind-mounted).
Launch with_passwd(const std::string& replacement, const std::vector<std::string>& tend_args) {
  Launch launch{.program = "/usr/bin/unshare"};
  launch.args = {"--mount",   "--propagation",
                 "private",   "/bin/sh",
                 "-c",        "mount --bind \"$0\" /etc/passwd && exec \"$@\"",
                 replacement, kTend};
  launch.args.insert(launch.args.end(), tend_args.begin(), tend_args.end());
  return launch;
}

TEST(AccountsTest, AFifoAtEtcPasswdIsRefusedNotWaitedOn) {
  TempDir dir;
  std::string fifo = dir.path() + "/passwd";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  TendRun run(Mode::kSubreaper, with_passwd(fifo, {"--user", "nobody", kHelper, "print", "ran"}));
  std::optional<int> status = run.wait_exit_within(5s);
  ASSERT_TRUE(status.has_value()) << "tend blocked on a FIFO at /etc/passwd";
  EXPECT_EQ(describe_status(*status), exit_with(125)) << run.transcript();
  EXPECT_NE(run.stderr_text().find("/etc/passwd"), std::string::npos) << run.transcript();
  EXPECT_FALSE(has_line(run.lines(), "ran"));
}

TEST(AccountsTest, ADeviceAtEtcPasswdIsRefused) {
  TendRun run(Mode::kSubreaper,
              with_passwd("/dev/zero", {"--user", "nobody", kHelper, "print", "ran"}));
  std::optional<int> status = run.wait_exit_within(5s);
  ASSERT_TRUE(status.has_value()) << "tend kept reading /dev/zero as /etc/passwd";
  EXPECT_EQ(describe_status(*status), exit_with(125)) << run.transcript();
}

}  // namespace
}  // namespace tend::e2e
