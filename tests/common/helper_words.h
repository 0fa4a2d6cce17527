// SPDX-License-Identifier: MIT
// What tend_helper's words do, by topic: processes and signals (tend_helper.cc), services —
// notify, daemons, files, what it was given — (helper_services.cc), and the terminal
// (helper_terminal.cc).
#pragma once

#include <sys/types.h>

#include <string_view>

namespace tend::helper {

/// Releases a parent waiting in `child` (and says nothing).
void release_parent();
/// The pid of the last `child`, for "{child}" in notify texts.
extern pid_t g_last_child;

// Services.
void report_ids();
void report_fds();
void report_env(const char* name);
void report_listen();
/// Sends TEXT (see `expand`) to $NOTIFY_SOCKET; `with_credentials`: an explicit SCM_CREDENTIALS.
void send_notify(std::string_view raw_text, bool with_credentials = false);
/// What systemd-notify's barrier does: pass a pipe's write end, wait for the receiver to close it.
void notify_with_fd(std::string_view text);
void send_pings(int interval_ms, int count);
/// Classic double fork; the daemon returns and goes on with the script, the launcher exits.
void daemonize(bool wait_for_daemon);
/// Lets the launcher of `daemonize` exit; also what a `child` of the daemon does first, since
/// only the daemon itself releases its launcher.
void release_launcher();
void write_file_atomically(const char* path, std::string_view text);
void write_own_pid(const char* path);
void count_in(const char* path);
/// Whether the last `count` gave `wanted`.
bool last_count_is(int wanted);
void part_open(const char* path);
void part_write(std::string_view raw_text);
void part_close();
void make_directory(const char* path);
void make_symlink(const char* target, const char* path);
void write_to_fd(int fd, std::string_view text);

// Terminal.
void report();
/// Counts SIGNO in a handler, printing "caught NAME N" for the Nth; `then_exit`: exit 0 after.
void catch_signal(int signo, bool then_exit);
void change_terminal(bool raw);
/// Stops itself with SIGTSTP and prints "resumed" once continued.
void stop_self();
/// Answers one query per line on stdin until end of file.
[[noreturn]] void answer_lines();

}  // namespace tend::helper
