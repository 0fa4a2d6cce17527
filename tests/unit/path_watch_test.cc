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
#include <string>

#include "temp_dir.h"

namespace tend {
namespace {

class PathWatchTest : public TempDirTest {
 protected:
  /// Whether an event comes within `ms` (for `name` only, when given); takes it, as tend does.
  /// The kernel queues IN_IGNORED for a removed watch when it frees the mark, which it may
  /// defer, and the watch on /tmp sees every other test's files come and go: neither is a
  /// wake-up a test can count on not happening, so a test that expects none names the entry it
  /// is about.
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
    for (ssize_t offset = 0; offset < got;) {
      const auto* event = reinterpret_cast<const inotify_event*>(events + offset);
      bool named = name == nullptr || (event->len > 0 && std::string(event->name) == name);
      if ((event->mask & IN_IGNORED) == 0 && named) found = true;
      offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
    return found;
  }
  /// Takes every event pending now; whether one was about `name`.
  static bool takes_pending_events(int fd, const char* name) {
    bool found = false;
    for (pollfd readable{fd, POLLIN, 0}; poll(&readable, 1, 0) == 1; readable.revents = 0) {
      found = takes_an_event(fd, name) || found;
    }
    return found;
  }
  /// Whether writing the file `name` wakes the watch (see wakes).
  bool wakes_after_writing(PathWatch& watch, const std::string& name, int ms = 2000,
                           const char* event_name = nullptr) {
    write_file(at(name), "1\n");
    return wakes(watch, ms, event_name);
  }
  /// Takes what is pending now (the set-up's own events).
  static void settle(PathWatch& watch) {
    while (wakes(watch, 0)) {
    }
  }
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
  EXPECT_TRUE(wakes_after_writing(*watch, "x.pid"));
}

// A watch on the literal directory would fail: it does not exist yet.
TEST_F(PathWatchTest, DirectoriesMadeLater) {
  auto watch = PathWatch::start(at("a/b/x.pid"));
  ASSERT_TRUE(watch);
  make_directory("a");
  EXPECT_TRUE(wakes(*watch));
  make_directory("a/b");
  EXPECT_TRUE(wakes(*watch));
  settle(*watch);
  EXPECT_TRUE(wakes_after_writing(*watch, "a/b/x.pid"));
}

TEST_F(PathWatchTest, SymlinkedDirectoryMadeLater) {
  make_directory("real");
  auto watch = PathWatch::start(at("link/x.pid"));
  ASSERT_TRUE(watch);
  make_symlink("real", "link");
  EXPECT_TRUE(wakes(*watch));
  settle(*watch);
  EXPECT_TRUE(wakes_after_writing(*watch, "real/x.pid"));
}

// The pid file is a symlink to a file in another directory: a write there wakes tend.
TEST_F(PathWatchTest, TargetOfASymlinkedFile) {
  make_directory("elsewhere");
  make_symlink("elsewhere/x.pid", "x.pid");
  auto watch = PathWatch::start(at("x.pid"));
  ASSERT_TRUE(watch);
  EXPECT_FALSE(wakes(*watch, 0, "x.pid"));
  EXPECT_TRUE(wakes_after_writing(*watch, "elsewhere/x.pid"));
}

TEST_F(PathWatchTest, SymlinkRetargeted) {
  make_directory("one");
  make_directory("two");
  make_symlink("one", "link");
  auto watch = PathWatch::start(at("link/x.pid"));
  ASSERT_TRUE(watch);
  make_symlink("two", "new-link");
  ASSERT_EQ(rename(at("new-link").c_str(), at("link").c_str()), 0);
  EXPECT_TRUE(wakes(*watch));
  settle(*watch);
  // No longer on the way: no wake-up for it.
  EXPECT_FALSE(wakes_after_writing(*watch, "one/x.pid", 200, "x.pid"));
  EXPECT_TRUE(wakes_after_writing(*watch, "two/x.pid"));
}

// Writes after a look are seen as pending, so that a text read before them is not trusted.
TEST_F(PathWatchTest, WritesToTheFileArePendingEvents) {
  write_file(at("x.pid"), "");
  int fd = open(at("x.pid").c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  auto watch = PathWatch::start(at("x.pid"));
  ASSERT_TRUE(watch);
  // Nothing about x.pid yet; the watch on /tmp may see other tests' files (see wakes).
  EXPECT_FALSE(takes_pending_events(watch->fd(), "x.pid"));
  ASSERT_EQ(::write(fd, "12", 2), 2);
  EXPECT_TRUE(watch->has_pending_events());
  EXPECT_TRUE(takes_pending_events(watch->fd(), "x.pid"));
  close(fd);
}

}  // namespace
}  // namespace tend
