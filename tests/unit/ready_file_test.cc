// SPDX-License-Identifier: MIT
// Unit tests of ReadyFile: made new and removed only while it is still the file tend made; a
// symlink or someone else's file at the path is never written through, truncated or removed.
#include "service/ready_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "temp_dir.h"

namespace tend {
namespace {

class ReadyFileTest : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    path_ = at("ready");
  }
  static bool exists(const std::string& path) {
    struct stat status {};
    return lstat(path.c_str(), &status) == 0;
  }
  static bool is_regular(const std::string& path) {
    struct stat status {};
    return lstat(path.c_str(), &status) == 0 && S_ISREG(status.st_mode);
  }

  std::string path_;
};

TEST_F(ReadyFileTest, CreatedEmptyAndRemoved) {
  ReadyFile ready(path_);
  ready.create();
  EXPECT_TRUE(is_regular(path_));
  EXPECT_EQ(read_file(path_), "");
  ready.create();  // Ready again: nothing changes.
  EXPECT_TRUE(is_regular(path_));
  ready.remove();
  EXPECT_FALSE(exists(path_));
  ready.remove();  // Nothing to do.
}

TEST_F(ReadyFileTest, EmptyPathIsNoReadyFile) {
  ReadyFile ready("");
  ready.create();
  ready.remove();
  ready.remove_stale();
}

TEST_F(ReadyFileTest, SymlinkIsNeitherFollowedNorRemoved) {
  std::string secret = at("secret");
  write_file(secret, "root only\n", 0600);
  ASSERT_EQ(symlink(secret.c_str(), path_.c_str()), 0);
  ReadyFile ready(path_);
  ready.remove_stale();
  ready.create();
  ready.remove();
  EXPECT_EQ(read_file(secret), "root only\n");
  struct stat status {};
  ASSERT_EQ(lstat(path_.c_str(), &status), 0);
  EXPECT_TRUE(S_ISLNK(status.st_mode)) << "the symlink was replaced or removed";
}

TEST_F(ReadyFileTest, DanglingSymlinkDoesNotMakeItsTarget) {
  std::string target = at("made-through-the-link");
  ASSERT_EQ(symlink(target.c_str(), path_.c_str()), 0);
  ReadyFile ready(path_);
  ready.create();
  EXPECT_FALSE(exists(target));
  ready.remove();
  EXPECT_TRUE(exists(path_));
}

TEST_F(ReadyFileTest, SomeoneElsesFileIsNeitherTruncatedNorRemoved) {
  write_file(path_, "keep me\n");
  ReadyFile ready(path_);
  ready.remove_stale();
  ready.create();
  ready.remove();
  EXPECT_EQ(read_file(path_), "keep me\n");
}

TEST_F(ReadyFileTest, EmptyFileWithAnotherLinkIsLeftAlone) {
  write_file(path_, "");
  ASSERT_EQ(link(path_.c_str(), at("other-name").c_str()), 0);
  ReadyFile ready(path_);
  ready.remove_stale();
  ready.create();
  ready.remove();
  EXPECT_TRUE(exists(path_));
}

// What a tend killed by SIGKILL leaves: tend's own user's empty file.
TEST_F(ReadyFileTest, StaleReadyFileIsRemovedAtStartUpAndReplaced) {
  write_file(path_, "");
  ReadyFile ready(path_);
  ready.remove_stale();
  EXPECT_FALSE(exists(path_));
  write_file(path_, "");
  ready.create();
  EXPECT_TRUE(is_regular(path_));
  ready.remove();
  EXPECT_FALSE(exists(path_));
}

TEST_F(ReadyFileTest, FileReplacedAfterCreationIsNotRemoved) {
  ReadyFile ready(path_);
  ready.create();
  write_file(at("new"), "someone else's\n");
  ASSERT_EQ(std::rename(at("new").c_str(), path_.c_str()), 0);
  ready.remove();
  EXPECT_EQ(read_file(path_), "someone else's\n");
}

TEST_F(ReadyFileTest, RemovedInTheDirectoryItWasMadeIn) {
  std::string directory = at("dir");
  ASSERT_EQ(mkdir(directory.c_str(), 0755), 0);
  ReadyFile ready(directory + "/ready");
  ready.create();
  ASSERT_EQ(std::rename(directory.c_str(), at("moved").c_str()), 0);
  ASSERT_EQ(mkdir(directory.c_str(), 0755), 0);
  write_file(directory + "/ready", "");  // Looks like it, but is not the file tend made.
  ready.remove();
  EXPECT_FALSE(exists(at("moved/ready")));
  EXPECT_TRUE(exists(directory + "/ready"));
}

}  // namespace
}  // namespace tend
