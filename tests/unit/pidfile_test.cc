// SPDX-License-Identifier: MIT
// Unit tests of pid file reading: a file still being written, left over from before the run, or
// not a regular file at all is never read as a pid; and of the pid text itself.
#include "service/pidfile.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "temp_dir.h"

namespace tend {
namespace {

/// A temporary directory holding one pid file path.
class PidFileTest : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    path_ = at("daemon.pid");
  }
  /// Writes `text` to the pid file in place (same inode when it exists).
  void write(const std::string& text) { write_file(path_, text); }
  /// Writes `text` to a new file and renames it over the pid file (a new inode).
  void replace(const std::string& text) {
    write_file(at("other"), text);
    ASSERT_EQ(std::rename(at("other").c_str(), path_.c_str()), 0);
  }
  PidFileRead read() { return PidFile(path_).read(); }

  std::string path_;
};

bool is_not_yet(const PidFileRead& read) { return !read.pid && !read.problem; }

TEST_F(PidFileTest, MissingAndEmptyAreNotYetWrittenNotMalformed) {
  EXPECT_TRUE(is_not_yet(read()));
  write("");  // Created with O_TRUNC, the pid not written yet.
  EXPECT_TRUE(is_not_yet(read()));
}

TEST_F(PidFileTest, PidWithNewline) {
  write("4242\n");
  EXPECT_EQ(read().pid, 4242);
}

TEST_F(PidFileTest, TextThatIsNotAPidIsMalformed) {
  for (const char* text : {"abc\n", "12 34\n", "-5\n", "0\n"}) {
    write(text);
    PidFileRead result = read();
    EXPECT_EQ(result.pid, std::nullopt) << text;
    EXPECT_EQ(result.problem, "holds no valid pid") << text;
  }
}

// A pid at the start is not enough: the whole file must be one pid, and a pid file is small.
TEST_F(PidFileTest, TheWholeFileIsReadAndMoreThan4KiBIsNotAPidFile) {
  write("4242" + std::string(100, ' ') + "x\n");
  EXPECT_EQ(read().problem, "holds no valid pid");
  write("4242\n" + std::string(kMaxPidFileSize, ' '));
  ASSERT_TRUE(read().problem.has_value());
  EXPECT_NE(read().problem->find("more than 4096 bytes"), std::string::npos) << *read().problem;
  write("4242" + std::string(kMaxPidFileSize - 5, ' ') + "\n");  // Exactly 4096 bytes.
  EXPECT_EQ(read().pid, 4242);
}

// Opening a FIFO for reading blocks until a writer comes: tend must not even try.
TEST_F(PidFileTest, FifoIsRefusedWithoutBlocking) {
  ASSERT_EQ(mkfifo(path_.c_str(), 0644), 0);
  alarm(5);  // Should the read block, the alarm ends the test as a failure.
  PidFileRead result = read();
  alarm(0);
  EXPECT_EQ(result.problem, "is not a regular file");
}

TEST_F(PidFileTest, DirectoryIsRefused) {
  ASSERT_EQ(mkdir(path_.c_str(), 0755), 0);
  EXPECT_EQ(read().problem, "is not a regular file");
  rmdir(path_.c_str());
}

// Reading through a symlink is reading: the pid it leads to is checked as tend's descendant.
TEST_F(PidFileTest, SymlinkToAFileIsReadThrough) {
  write_file(at("other"), "4242\n");
  ASSERT_EQ(symlink("other", path_.c_str()), 0);
  EXPECT_EQ(read().pid, 4242);
}

TEST_F(PidFileTest, SymlinkToAFifoIsRefused) {
  ASSERT_EQ(mkfifo((at("other")).c_str(), 0644), 0);
  ASSERT_EQ(symlink("other", path_.c_str()), 0);
  alarm(5);
  PidFileRead result = read();
  alarm(0);
  EXPECT_EQ(result.problem, "is not a regular file");
}

// No process holds it open for writing: the writer is done.
TEST_F(PidFileTest, PidWithoutNewlineCountsOnceNobodyWritesIt) {
  write("4242");
  EXPECT_EQ(read().pid, 4242);
}

TEST_F(PidFileTest, WhatWasThereWhenTheRunBeganIsIgnoredUntilItChanges) {
  write("4242\n");
  PidFile pid_file(path_);
  pid_file.begin_run();
  EXPECT_TRUE(is_not_yet(pid_file.read()));
  EXPECT_EQ(pid_file.describe_wait("30s"),
            "was not rewritten within 30s: it holds what was there when the run began");
  write("4343\n");  // The same inode, new text.
  EXPECT_EQ(pid_file.read().pid, 4343);
}

// The same text in a new file: the new daemon got the old one's pid back.
TEST_F(PidFileTest, ALeftOverReplacedByANewFileWithTheSameTextCounts) {
  write("4242\n");
  PidFile pid_file(path_);
  pid_file.begin_run();
  replace("4242\n");
  EXPECT_EQ(pid_file.read().pid, 4242);
}

// Metadata changes move the left-over's ctime but write no new pid. A daemon renaming its new
// file over the left-over while tend reads it leaves tend holding the old one, unlinked: the
// same change of the link count as here.
TEST_F(PidFileTest, ALeftOverWhoseModeOrLinksChangeIsStillLeftOver) {
  write("4242\n");
  PidFile pid_file(path_);
  pid_file.begin_run();
  ASSERT_EQ(chmod(path_.c_str(), 0600), 0);
  EXPECT_TRUE(is_not_yet(pid_file.read()));
  ASSERT_EQ(link(path_.c_str(), at("hard-link").c_str()), 0);
  EXPECT_TRUE(is_not_yet(pid_file.read()));
  ASSERT_EQ(unlink(at("hard-link").c_str()), 0);
  EXPECT_TRUE(is_not_yet(pid_file.read()));
  write("4343\n");
  EXPECT_EQ(pid_file.read().pid, 4343);
}

TEST_F(PidFileTest, EachRunTakesWhatIsThereWhenItBegins) {
  PidFile pid_file(path_);
  pid_file.begin_run();  // Nothing there: nothing left over.
  write("4242\n");
  EXPECT_EQ(pid_file.read().pid, 4242);
  pid_file.begin_run();  // The next run: now that is left over.
  EXPECT_TRUE(is_not_yet(pid_file.read()));
  replace("4343\n");
  EXPECT_EQ(pid_file.read().pid, 4343);
}

TEST_F(PidFileTest, TheWaitIsDescribedByWhatWasMissing) {
  PidFile pid_file(path_);
  pid_file.begin_run();
  EXPECT_TRUE(is_not_yet(pid_file.read()));
  EXPECT_EQ(pid_file.describe_wait("2s"), "did not appear within 2s");
}

TEST(PidTextTest, ANewlineEndsIt) {
  EXPECT_TRUE(is_complete_pid_text("12\n", {}));
  EXPECT_TRUE(is_complete_pid_text("12\n", {77}));
}

TEST(PidTextTest, WithoutNewlineItCountsOnceNoOtherProcessWritesIt) {
  EXPECT_TRUE(is_complete_pid_text("123", {}));
  EXPECT_TRUE(is_complete_pid_text("123", {123}));  // The daemon keeps its own pid file open.
  EXPECT_FALSE(is_complete_pid_text("12", {123}));  // "12" of "123": 123 still writes.
  EXPECT_FALSE(is_complete_pid_text("123", {123, 77}));
  EXPECT_FALSE(is_complete_pid_text("", {77}));
  EXPECT_FALSE(is_complete_pid_text("abc", {77}));
}

TEST(ParsePidTest, DigitsWithWhiteSpace) {
  EXPECT_EQ(parse_pid("123\n"), 123);
  EXPECT_EQ(parse_pid("  77 \n"), 77);
  EXPECT_EQ(parse_pid(" 42\n"), 42);
  EXPECT_EQ(parse_pid("42"), 42);
}

TEST(ParsePidTest, AnythingButOnePositivePidIsNone) {
  for (const char* bad :
       {"", "\n", "abc", "12a", "-5", "0", "1 2", "4 2", "99999999999", "99999999999999"}) {
    EXPECT_EQ(parse_pid(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace tend
