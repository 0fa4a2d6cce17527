// SPDX-License-Identifier: MIT
// Pid files of forking daemons: reading them safely and only once complete, telling a stale one
// from the one this run's daemon writes, and waking up when one is written.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sys/path_watch.h"

namespace tend {

/// More than this is not a pid file: tend reads no further.
inline constexpr size_t kMaxPidFileSize = 4096;

/// The pid in a pid file's text: digits, optionally surrounded by white space; nullopt otherwise.
[[nodiscard]] std::optional<pid_t> parse_pid(std::string_view text);

/// What is at a pid file's path, looked at once without blocking.
struct PidFileText {
  bool exists = false;
  bool is_regular = false;  ///< Only a regular file is ever opened for reading.
  bool too_large = false;   ///< More than kMaxPidFileSize bytes.
  dev_t device = 0;
  ino_t inode = 0;
  timespec modified{};
  std::string text;

  /// The same file with the same content: same inode, modification time and text. Not the
  /// change time: a chmod, a new hard link, or the rename of another file over it (which unlinks
  /// it while tend may be reading it) changes that, and none of them writes a new pid.
  bool is_same_as(const PidFileText& other) const;
};

/// Reads the file at `path` (through symlinks: it is only read, and the pid it names is checked
/// anyway). A FIFO, socket or device is not opened at all, and in case one is swapped in between
/// stat and open, the open does not block (O_NONBLOCK) nor take a terminal (O_NOCTTY).
PidFileText read_pid_file_text(const std::string& path);

/// Whether `text`, read from a pid file, is all its writer meant to write. A newline ends it.
/// Without one it counts once no process holds the file open for writing (`writers`), except
/// perhaps the one it names: a daemon that writes its own pid and keeps the file open and locked,
/// as BSD's pidfile(3) does, is done; a "12" of a "123\n" still being written is not.
bool is_complete_pid_text(std::string_view text, const std::vector<pid_t>& writers);

/// What one look at the pid file found.
struct PidFileRead {
  std::optional<pid_t> pid;            ///< Set once the file is complete and holds a pid.
  std::optional<std::string> problem;  ///< Set when the file cannot be a pid file, e.g. "is not a
                                       ///< regular file", for "pid file 'X' <problem>".
};

/// The --pidfile of every run: what was there when the run began, the look at it, and the watch
/// that wakes tend while it waits.
class PidFile {
 public:
  /// `path` as given; a relative one is taken against the working directory now.
  explicit PidFile(const std::string& path) : path_(absolute_path(path)) {}

  /// A run begins: what is at the path now was left by a run before (or by another tend), and is
  /// ignored until it changes. Its pid may well be a live process by now, even a descendant.
  void begin_run();
  /// Neither absent nor problem: not there yet, unchanged since the run began, or incomplete.
  PidFileRead read();
  /// Why the last read() found no pid, once `timeout` is over: "did not appear within 30s" for
  /// "pid file 'X' did not appear within 30s".
  std::string describe_wait(const std::string& timeout) const;

  /// Starts the watch; false (errno set) when inotify fails.
  [[nodiscard]] bool watch();
  bool is_watched() const { return watch_.has_value(); }
  int watch_fd() const { return watch_->fd(); }
  /// Call when watch_fd() is readable.
  void handle_events() { watch_->update(); }
  void stop_watching() { watch_.reset(); }

 private:
  bool writer_is_done(const PidFileText& file) const;

  std::string path_;
  std::optional<PidFileText> left_over_;
  std::optional<PathWatch> watch_;
  enum class Wait { kAppear, kRewrite, kComplete };
  Wait waiting_for_ = Wait::kAppear;
};

}  // namespace tend
