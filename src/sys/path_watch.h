// SPDX-License-Identifier: MIT
// PathWatch: inotify on every directory that the lookup of one path passes through, so that tend
// wakes up when the file at that path may have appeared or changed — also through symlinks and
// in directories that do not exist yet.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sys/unique_fd.h"

namespace tend {

/// `path` made absolute against the working directory now: tend leaves that directory after it
/// starts COMMAND, and a relative path must still name what the user meant.
std::string absolute_path(const std::string& path);

/// Watching the directory of a path alone misses a file in a directory made later, or reached
/// through a symlink that is made or changed later. This follows the path's lookup the way
/// open(2) does, one component at a time and through every symlink, and watches each directory
/// it looks in. Any event moves the watches to where the lookup goes now.
class PathWatch {
 public:
  /// Starts watching for the absolute `path`. Returns nullopt (errno set) when inotify fails.
  [[nodiscard]] static std::optional<PathWatch> start(const std::string& path);

  int fd() const { return fd_.get(); }
  /// Drains the pending events and moves the watches; call when fd() is readable.
  void update();
  /// Whether events are queued that update() has not taken yet: something changed since.
  bool has_pending_events() const;

 private:
  PathWatch(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  bool watch_lookup();

  UniqueFd fd_;
  std::string path_;
  std::vector<int> watches_;
};

}  // namespace tend
