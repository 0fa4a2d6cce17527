// SPDX-License-Identifier: MIT
// Pid files of forking daemons: reading them safely and only once complete, telling a stale one
// from the one this run's daemon writes, and waking up when one is written.
#include "service/pidfile.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sys/parse_whole.h"
#include "sys/processes.h"
#include "sys/unique_fd.h"

namespace tend {
namespace {

bool operator==(const timespec& a, const timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/// Reads up to kMaxPidFileSize bytes, and one more to tell whether there is more.
void read_text(int fd, PidFileText& file) {
  char buffer[kMaxPidFileSize + 1];
  size_t total = 0;
  while (total < sizeof buffer) {
    ssize_t got = read(fd, buffer + total, sizeof buffer - total);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    total += static_cast<size_t>(got);
  }
  file.too_large = total > kMaxPidFileSize;
  file.text.assign(buffer, std::min(total, kMaxPidFileSize));
}

}  // namespace

std::optional<pid_t> parse_pid(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  std::optional<pid_t> pid = parse_whole<pid_t>(text);
  if (!pid || *pid <= 0) return std::nullopt;
  return pid;
}

bool PidFileText::is_same_as(const PidFileText& other) const {
  return exists == other.exists && is_regular == other.is_regular && device == other.device &&
         inode == other.inode && modified == other.modified && text == other.text;
}

PidFileText read_pid_file_text(const std::string& path) {
  PidFileText file;
  struct stat status {};
  if (stat(path.c_str(), &status) != 0) return file;
  file.exists = true;
  if (!S_ISREG(status.st_mode)) return file;
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (!fd.is_open()) {
    file.exists = errno != ENOENT;
    return file;
  }
  // What was opened decides, not what stat saw: the path may have changed in between.
  if (fstat(fd.get(), &status) != 0 || !S_ISREG(status.st_mode)) return file;
  file.is_regular = true;
  file.device = status.st_dev;
  file.inode = status.st_ino;
  file.modified = status.st_mtim;
  read_text(fd.get(), file);
  return file;
}

bool is_complete_pid_text(std::string_view text, const std::vector<pid_t>& writers) {
  if (!text.empty() && text.back() == '\n') return true;
  std::optional<pid_t> named = parse_pid(text);
  return std::all_of(writers.begin(), writers.end(),
                     [&](pid_t writer) { return named && writer == *named; });
}

void PidFile::begin_run() {
  PidFileText file = read_pid_file_text(path_);
  left_over_.reset();
  if (file.is_regular && !file.text.empty()) {
    spdlog::debug("pid file '{}' exists before the run: ignored until it changes", path_);
    left_over_ = std::move(file);
  }
  waiting_for_ = Wait::kAppear;
}

std::string PidFile::describe_wait(const std::string& timeout) const {
  switch (waiting_for_) {
    case Wait::kRewrite:
      return fmt::format("was not rewritten within {}: it holds what was there when the run began",
                         timeout);
    case Wait::kComplete:
      return fmt::format("was not complete within {}: no newline, and still open for writing",
                         timeout);
    case Wait::kAppear:
      break;
  }
  return fmt::format("did not appear within {}", timeout);
}

// Who owns the file does not matter: systemd refuses a pid file of an unprivileged user when the
// pid it names is outside the service's cgroup, because it cannot tell otherwise whether that pid
// is the service's. tend accepts only a pid of its own subtree (checked by the caller), and with
// --user the daemon itself, running as that user, is the one that writes the file.
PidFileRead PidFile::read() {
  PidFileText file = read_pid_file_text(path_);
  if (file.exists && !file.is_regular) return {std::nullopt, "is not a regular file"};
  if (left_over_ && file.is_same_as(*left_over_)) {
    waiting_for_ = Wait::kRewrite;
    return {};
  }
  if (file.too_large) {
    return {std::nullopt, fmt::format("holds more than {} bytes, no valid pid", kMaxPidFileSize)};
  }
  waiting_for_ = Wait::kAppear;
  if (!file.exists || file.text.empty()) return {};
  if (!writer_is_done(file)) {
    waiting_for_ = Wait::kComplete;
    return {};
  }
  std::optional<pid_t> pid = parse_pid(file.text);
  if (!pid) return {std::nullopt, "holds no valid pid"};
  return {pid, std::nullopt};
}

/// A text without a newline counts once its writer closed the file. The scan of open files comes
/// first, then the look for events: a writer that just closed the file has queued the event of
/// its last write by then, so a text read before that write is never taken for the whole.
bool PidFile::writer_is_done(const PidFileText& file) const {
  if (!file.text.empty() && file.text.back() == '\n') return true;
  std::optional<std::vector<pid_t>> writers = processes_writing(getpid(), file.device, file.inode);
  // Without /proc nothing can tell, and no pid could be checked as tend's descendant either.
  bool done = !writers || is_complete_pid_text(file.text, *writers);
  return done && !(watch_ && watch_->has_pending_events());
}

bool PidFile::watch() {
  watch_ = PathWatch::start(path_);
  return watch_.has_value();
}

}  // namespace tend
