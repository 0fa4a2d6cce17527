// SPDX-License-Identifier: MIT
// What the terminal tests need besides a pty: the binaries, processes seen through /proc, runs.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tend::tty {

using Clock = std::chrono::steady_clock;
using Duration = Clock::duration;
using namespace std::chrono_literals;

/// Safety net only: tests wait for markers, and fail with the transcript when one does not come.
inline constexpr Duration kTimeout = 10s;

inline const std::string kTend = TEND_BINARY;
inline const std::string kProbe = TTY_PROBE_BINARY;

/// The prompt of every interactive bash the tests start (PS1).
inline constexpr std::string_view kPrompt = "[tty-test]> ";

/// Environment of everything the tests start: clean, predictable, $T = tend, $H = the probe.
std::vector<std::string> session_env();

[[noreturn]] void throw_errno(std::string_view what);

/// Makes the test process a child subreaper: orphans of what it starts come back to it.
void become_subreaper();
/// SIGKILLs every descendant of the test process and reaps it all: by pid, never by name.
void kill_everything_started();
/// Runs in a forked child: default signal handling, nothing blocked, then exec (PATH search).
[[noreturn]] void exec_child(const std::vector<char*>& argv, const std::vector<char*>& envp);
/// argv/envp for exec_child; pointers into `strings`.
std::vector<char*> c_strings(std::vector<std::string>& strings);

/// What /proc/<pid>/stat says; nullopt once the process is gone (reaped).
struct ProcStat {
  char state = '?';
  pid_t ppid = 0;
  pid_t pgrp = 0;
  pid_t session = 0;
};
std::optional<ProcStat> read_stat(pid_t pid);
/// Stopped ('T'), as job control leaves a process.
bool is_stopped(pid_t pid);
/// Gone or a zombie.
bool has_ended(pid_t pid);
std::vector<pid_t> children_of(pid_t pid);
/// The program a process runs, from /proc/<pid>/exe; empty when unknown.
std::string program_of(pid_t pid);
/// `path` with symbolic links resolved (/bin/bash is /usr/bin/bash on Debian 12).
std::string real_path(const std::string& path);
/// One line per process the test started, with its state, signals and system call: what a
/// failure message needs to explain a hang.
std::string describe_processes();

/// A wait status as tests compare it: "exit 3", "signal 9".
std::string describe_status(int wait_status);
std::string exit_with(int code);
std::string died_of(int signo);

/// Sends `signo` to `pid`; throws when that fails.
void send_signal(pid_t pid, int signo);
long long milliseconds(Duration duration);

/// How a run without any terminal ended, and what it printed.
struct Outcome {
  int status = 0;
  std::string out;
  std::string err;
};
/// Runs `argv` in a new session with no controlling terminal, stdin /dev/null and stdout and
/// stderr pipes (the e2e default), to its end; then kills whatever it left behind.
Outcome run_without_terminal(const std::vector<std::string>& argv, Duration timeout = kTimeout);

}  // namespace tend::tty
