// SPDX-License-Identifier: MIT
// What every whole-program test uses: clocks, processes seen through /proc, wait statuses,
// temporary directories, and the cleanup that kills and reaps everything a test started.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tend::test {

using Clock = std::chrono::steady_clock;
using Duration = Clock::duration;
using namespace std::chrono_literals;

/// Safety net only: tests wait for events, and fail with a message when one does not come.
inline constexpr Duration kEventTimeout = 10s;

inline const std::string kTend = TEND_BINARY;
/// tend_helper, the COMMAND of the tests: it does and reports what its words say.
inline const std::string kHelper = HELPER_BINARY;

[[noreturn]] void throw_errno(std::string_view what);

long long milliseconds(Duration duration);
/// Milliseconds from now to `deadline`, for poll(2): 0 once it has passed, at most a minute.
int milliseconds_until(Clock::time_point deadline);

/// A wait status, said the way tests compare it: "exit 3", "signal 9", "signal 11 (core dumped)".
std::string describe_status(int wait_status);
std::string exit_with(int code);
std::string died_of(int signo);

/// How a run ended, and what it printed.
struct Outcome {
  int status = 0;
  std::string out;
  std::string err;
};

/// What /proc/<pid>/stat says; nullopt once the process is gone (reaped).
struct ProcStat {
  char state = '?';
  pid_t ppid = 0;
  pid_t pgrp = 0;
  pid_t session = 0;
};
std::optional<ProcStat> read_stat(pid_t pid);
/// Alive: exists and is neither a zombie nor dead.
bool is_alive(pid_t pid);
/// Stopped ('T'), as job control leaves a process.
bool is_stopped(pid_t pid);
/// "Name: value" lines of /proc/<pid>/status; empty once the process is gone.
std::map<std::string, std::string> read_status(pid_t pid);
/// Leading number of a /proc/<pid>/status field, e.g. VmRSS in kB.
long status_number(pid_t pid, const std::string& field);
std::vector<pid_t> children_of(pid_t pid);
std::vector<pid_t> descendants_of(pid_t pid);
/// Targets of the links in /proc/<pid>/fd, by fd number.
std::map<int, std::string> fd_targets(pid_t pid);
std::string read_link(const std::string& path);
/// The program a process runs, from /proc/<pid>/exe; empty when unknown.
std::string program_of(pid_t pid);
/// `path` with symbolic links resolved (/bin/bash is /usr/bin/bash on Debian 12).
std::string real_path(const std::string& path);
bool file_exists(const std::string& path);
/// What the file at `path` holds (through symlinks); empty when it cannot be read.
std::string read_file(const std::string& path);
/// A symlink stands at `path` itself.
bool is_symlink(const std::string& path);
/// One line per process the test started, with its state, signals and system call: what a
/// failure message needs to explain a hang.
std::string describe_processes();

/// Sends `signo` to `pid`; throws when that fails.
void send_signal(pid_t pid, int signo);
/// Waits until `pid` is reaped (no /proc entry); throws after `timeout`.
void wait_until_reaped(pid_t pid, Duration timeout = kEventTimeout);

/// Makes the test process a child subreaper: orphans of what it starts come back to it.
void become_subreaper();
/// SIGKILLs every descendant of the test process and reaps it all: by pid, never by name.
void kill_everything_started();
/// In a forked child before exec: every signal back to its default action, none blocked.
void reset_signal_state();

/// "Hex signal mask" as /proc/<pid>/status prints SigBlk and SigIgn.
std::string mask_of(const std::vector<int>& signals);
std::string signal_label(int signo);

/// Whether any line starts with `prefix`.
bool has_line(const std::vector<std::string>& lines, std::string_view prefix);
/// Lines that start with `prefix`, in order.
std::vector<std::string> lines_starting(const std::vector<std::string>& lines,
                                        const std::string& prefix);

/// A fresh directory under /tmp, removed with everything in it when this goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(std::string_view name, std::string_view content, mode_t mode = 0644) const;

 private:
  std::string path_;
};

}  // namespace tend::test
