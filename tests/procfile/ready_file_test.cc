// SPDX-License-Identifier: MIT
// --ready-file with --procfile is made and removed as with one COMMAND: a symlink or a file
// someone else made at its path is neither written through, truncated nor removed (guard:
// ReadyFile), so a service running as another user cannot turn tend against a root-only file.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "procfile_util.h"

namespace tend::e2e {
namespace {

class ReadyFileTest : public testing::TestWithParam<Mode> {};

/// A Procfile of services a and b that say they are ready, then wait for SIGTERM; a runs
/// `a_first` (helper words) before that.
std::string ready_services(const TempDir& dir, const std::vector<std::string>& a_first = {}) {
  const std::string then_ready = " 'notify' 'READY=1' 'signals-until' 'TERM' 'exit' '0'";
  std::string a = helper_line({});
  for (const std::string& word : a_first) a += " '" + word + "'";
  return write_procfile(dir, {{"a", a + then_ready}, {"b", helper_line({}) + then_ready}});
}

/// Every service said it is ready, and tend, about to make the ready file, found it in the way.
void wait_until_ready_file_refused(TendRun& run) {
  run.wait_for_line("a | signals ready");
  run.wait_for_line("b | signals ready");
  wait_for_stderr(run, "not creating ready file");
}

TEST_P(ReadyFileTest, SymlinkAtThePathToARootOnlyFileIsNotFollowed) {
  ReadyFileTarget target;
  target.plant_symlink();
  const std::string& ready = target.ready;
  TendRun run(GetParam(),
              {.args = procfile_args({"--ready-file", ready}, ready_services(target.dir))});
  wait_until_ready_file_refused(run);
  EXPECT_EQ(run.stop(), exit_with(0)) << run.transcript();
  EXPECT_TRUE(target.secret_is_intact()) << "tend wrote through the symlink";
  EXPECT_TRUE(is_symlink(ready)) << "tend removed a symlink it did not make";
}

// The attack as it would come: a service runs as nobody, may write to the ready file's
// directory, and plants the symlink before it says it is ready (with --ready-timeout, tend waits
// for READY=1 before it makes the file).
TEST_P(ReadyFileTest, SymlinkPlantedByAServiceAsNobodyIsNotFollowed) {
  ReadyFileTarget target;
  // Not sticky: the kernel's guard is off.
  ASSERT_EQ(chmod(target.dir.path().c_str(), 0777), 0);
  const std::string& secret = target.secret;
  const std::string& ready = target.ready;
  TendRun run(
      GetParam(),
      {.args = procfile_args({"--user", "nobody", "--ready-timeout", "20s", "--ready-file", ready},
                             ready_services(target.dir, {"symlink", secret, ready}))});
  wait_until_ready_file_refused(run);
  EXPECT_EQ(run.stop(), exit_with(0)) << run.transcript();
  EXPECT_TRUE(target.secret_is_intact()) << "tend emptied a root-only file for nobody";
}

TEST_P(ReadyFileTest, FileAtThePathThatTendDidNotMakeIsKept) {
  TempDir dir;
  std::string ready = dir.file("ready", "keep me\n");
  TendRun run(GetParam(), {.args = procfile_args({"--ready-file", ready}, ready_services(dir))});
  wait_until_ready_file_refused(run);
  EXPECT_EQ(run.stop(), exit_with(0)) << run.transcript();
  ASSERT_TRUE(file_exists(ready)) << "tend removed a file it did not make";
  EXPECT_EQ(read_file(ready), "keep me\n") << "tend truncated a file it did not make";
}

INSTANTIATE_TEST_SUITE_P(Modes, ReadyFileTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
