// SPDX-License-Identifier: MIT
// Pid files of forking daemons: reading them, and waking up when one is written.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "sys/unique_fd.h"

namespace tend {

/// The pid in a pid file's text: digits, optionally surrounded by white space; nullopt otherwise.
std::optional<pid_t> parse_pid(std::string_view text);

/// Reads the pid file once; nullopt when it is missing, empty or malformed, and then `malformed`
/// says whether what was read is text that is not a pid. One read decides: a check of the size
/// after it would race with the daemon's write.
std::optional<pid_t> read_pid_file(const std::string& path, bool& malformed);

/// inotify on the pid file's directory, so tend sleeps until the file may have been written.
class PidFileWatch {
 public:
  /// Returns nullopt (errno set) when inotify fails.
  static std::optional<PidFileWatch> start(const std::string& path);
  int fd() const { return fd_.get(); }
  /// Drains pending events; call when fd() is readable.
  void drain() const;

 private:
  explicit PidFileWatch(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace tend
