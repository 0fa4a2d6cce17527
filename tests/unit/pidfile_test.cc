// SPDX-License-Identifier: MIT
// Unit tests of pid file reading: a file still being written is not mistaken for a bad one.
#include "service/pidfile.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace tend {
namespace {

/// A temporary directory holding one pid file path, removed afterwards.
class PidFileTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/tend-pidfile-test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    directory_ = pattern;
    path_ = directory_ + "/daemon.pid";
  }
  void TearDown() override {
    std::remove(path_.c_str());
    rmdir(directory_.c_str());
  }
  void write(const char* text) {
    FILE* file = std::fopen(path_.c_str(), "w");
    ASSERT_NE(file, nullptr);
    std::fputs(text, file);
    std::fclose(file);
  }

  std::string directory_;
  std::string path_;
};

TEST_F(PidFileTest, MissingAndEmptyAreNotYetWrittenNotMalformed) {
  bool malformed = true;
  EXPECT_EQ(read_pid_file(path_, malformed), std::nullopt);
  EXPECT_FALSE(malformed);
  write("");  // Created with O_TRUNC, the pid not written yet.
  malformed = true;
  EXPECT_EQ(read_pid_file(path_, malformed), std::nullopt);
  EXPECT_FALSE(malformed);
}

TEST_F(PidFileTest, PidWithNewline) {
  write("4242\n");
  bool malformed = true;
  EXPECT_EQ(read_pid_file(path_, malformed), 4242);
  EXPECT_FALSE(malformed);
}

TEST_F(PidFileTest, TextThatIsNotAPidIsMalformed) {
  for (const char* text : {"abc\n", "12 34\n", "-5\n", "0\n"}) {
    write(text);
    bool malformed = false;
    EXPECT_EQ(read_pid_file(path_, malformed), std::nullopt) << text;
    EXPECT_TRUE(malformed) << text;
  }
}

}  // namespace
}  // namespace tend
