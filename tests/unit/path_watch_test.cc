// SPDX-License-Identifier: MIT
// Unit tests of PathWatch: it wakes up for a file in a directory made later, behind a symlink
// made later, and at a symlink's target — and not for the old place once the path moved.
#include "sys/path_watch.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace tend {
namespace {

class PathWatchTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/tend-path-watch-test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    std::string command = "rm -rf '" + root_ + "'";
    EXPECT_EQ(std::system(command.c_str()), 0);
  }
  std::string at(const std::string& name) const { return root_ + "/" + name; }
  static void write(const std::string& path, const char* text) {
    FILE* file = std::fopen(path.c_str(), "w");
    ASSERT_NE(file, nullptr);
    std::fputs(text, file);
    std::fclose(file);
  }
  /// Whether the watch has something to say within `ms`; takes it, as tend does.
  /// Whether an event comes within `ms` (for `name` only, when given). The kernel queues
  /// IN_IGNORED for a removed watch when it frees the mark, which it may defer, and the watch on
  /// /tmp sees every other test's files come and go: neither is a wake-up a test can count on
  /// not happening, so a test that expects none names the entry it is about.
  static bool wakes(PathWatch& watch, int ms = 2000, const char* name = nullptr) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd readable{watch.fd(), POLLIN, 0};
      if (poll(&readable, 1, static_cast<int>(std::max<long long>(left.count(), 0))) != 1) {
        return false;
      }
      bool counts = takes_an_event(watch.fd(), name);
      watch.update();
      if (counts) return true;
    }
  }
  static bool takes_an_event(int fd, const char* name) {
    alignas(inotify_event) char events[4096];
    ssize_t got = read(fd, events, sizeof events);
    bool found = false;
    for (ssize_t at = 0; at < got;) {
      const auto* event = reinterpret_cast<const inotify_event*>(events + at);
      bool named = name == nullptr || (event->len > 0 && std::string(event->name) == name);
      if ((event->mask & IN_IGNORED) == 0 && named) found = true;
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
    return found;
  }
  /// Takes what is pending now (the set-up's own events).
  static void settle(PathWatch& watch) {
    while (wakes(watch, 0)) {
    }
  }

  std::string root_;
};

TEST_F(PathWatchTest, RelativePathsAreTakenAgainstTheWorkingDirectoryNow) {
  EXPECT_EQ(absolute_path("/run/x.pid"), "/run/x.pid");
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
  EXPECT_EQ(absolute_path("x.pid"), std::string(cwd) + "/x.pid");
}

TEST_F(PathWatchTest, FileInTheDirectory) {
  auto watch = PathWatch::start(at("x.pid"));
  ASSERT_TRUE(watch);
  EXPECT_FALSE(wakes(*watch, 0, "x.pid"));
  write(at("x.pid"), "1\n");
  EXPECT_TRUE(wakes(*watch));
}

// The old watch on the literal directory failed: it did not exist yet.
TEST_F(PathWatchTest, DirectoriesMadeLater) {
  auto watch = PathWatch::start(at("a/b/x.pid"));
  ASSERT_TRUE(watch);
  ASSERT_EQ(mkdir(at("a").c_str(), 0755), 0);
  EXPECT_TRUE(wakes(*watch));
  ASSERT_EQ(mkdir(at("a/b").c_str(), 0755), 0);
  EXPECT_TRUE(wakes(*watch));
  settle(*watch);
  write(at("a/b/x.pid"), "1\n");
  EXPECT_TRUE(wakes(*watch));
}

TEST_F(PathWatchTest, SymlinkedDirectoryMadeLater) {
  ASSERT_EQ(mkdir(at("real").c_str(), 0755), 0);
  auto watch = PathWatch::start(at("link/x.pid"));
  ASSERT_TRUE(watch);
  ASSERT_EQ(symlink("real", at("link").c_str()), 0);
  EXPECT_TRUE(wakes(*watch));
  settle(*watch);
  write(at("real/x.pid"), "1\n");
  EXPECT_TRUE(wakes(*watch));
}

// The pid file is a symlink to a file in another directory: a write there wakes tend.
TEST_F(PathWatchTest, TargetOfASymlinkedFile) {
  ASSERT_EQ(mkdir(at("elsewhere").c_str(), 0755), 0);
  ASSERT_EQ(symlink("elsewhere/x.pid", at("x.pid").c_str()), 0);
  auto watch = PathWatch::start(at("x.pid"));
  ASSERT_TRUE(watch);
  EXPECT_FALSE(wakes(*watch, 0, "x.pid"));
  write(at("elsewhere/x.pid"), "1\n");
  EXPECT_TRUE(wakes(*watch));
}

TEST_F(PathWatchTest, SymlinkRetargeted) {
  ASSERT_EQ(mkdir(at("one").c_str(), 0755), 0);
  ASSERT_EQ(mkdir(at("two").c_str(), 0755), 0);
  ASSERT_EQ(symlink("one", at("link").c_str()), 0);
  auto watch = PathWatch::start(at("link/x.pid"));
  ASSERT_TRUE(watch);
  ASSERT_EQ(symlink("two", at("new-link").c_str()), 0);
  ASSERT_EQ(rename(at("new-link").c_str(), at("link").c_str()), 0);
  EXPECT_TRUE(wakes(*watch));
  settle(*watch);
  write(at("one/x.pid"), "1\n");  // No longer on the way: no wake-up for it.
  EXPECT_FALSE(wakes(*watch, 200, "x.pid"));
  write(at("two/x.pid"), "1\n");
  EXPECT_TRUE(wakes(*watch));
}

// Writes after a look are seen as pending, so that a text read before them is not trusted.
TEST_F(PathWatchTest, WritesToTheFileArePendingEvents) {
  write(at("x.pid"), "");
  int fd = open(at("x.pid").c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  auto watch = PathWatch::start(at("x.pid"));
  ASSERT_TRUE(watch);
  EXPECT_FALSE(watch->has_pending_events());
  ASSERT_EQ(::write(fd, "12", 2), 2);
  EXPECT_TRUE(watch->has_pending_events());
  close(fd);
}

}  // namespace
}  // namespace tend
